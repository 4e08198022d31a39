import type { IncomingMessage, ServerResponse } from 'node:http';

const EMPTY = new ArrayBuffer(0);

function size(body: string | ArrayBuffer | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

function toChunk(body: string | ArrayBuffer | Uint8Array): string | Uint8Array {
  return body instanceof ArrayBuffer ? new Uint8Array(body) : body;
}

/** Statuses that never carry a body or a Content-Length. */
function bodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * A uWS-shaped response over node:http. Status and headers are collected and written in one
 * `writeHead` with the body; `end(body, true)` sends `Connection: close` (node then closes the
 * socket after the response). Writes after the client went away are no-ops, like uWS's.
 */
export class NodeResponse {
  private status = 200;
  private statusText = 'OK';
  private readonly headers: string[] = [];
  private headSent = false;
  private offset = 0;
  private abortFn?: () => void;
  private closed = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  writeStatus(line: string): this {
    const sp = line.indexOf(' ');
    this.status = Number(sp < 0 ? line : line.slice(0, sp));
    this.statusText = sp < 0 ? '' : line.slice(sp + 1);
    return this;
  }

  writeHeader(key: string | ArrayBuffer, value: string | ArrayBuffer): this {
    this.headers.push(String(key), String(value));
    return this;
  }

  private head(length: number | undefined, close: boolean): void {
    if (this.headSent) return;
    this.headSent = true;
    const h = this.headers;
    if (length !== undefined && !bodiless(this.status)) h.push('content-length', String(length));
    if (close) h.push('connection', 'close');
    this.res.writeHead(this.status, this.statusText, h);
  }

  end(body?: string | ArrayBuffer | Uint8Array, closeConnection?: boolean): this {
    if (this.res.writableEnded) return this;
    if (!this.headSent) this.head(body === undefined ? 0 : size(body), closeConnection === true);
    if (body === undefined || bodiless(this.status)) this.res.end();
    else this.res.end(toChunk(body));
    return this;
  }

  endWithoutBody(reportedContentLength?: number, closeConnection?: boolean): this {
    if (this.res.writableEnded) return this;
    this.head(reportedContentLength, closeConnection === true);
    this.res.end();
    return this;
  }

  /** Chunked write (no Content-Length). Returns false when node's buffer is full. */
  write(chunk: string | ArrayBuffer | Uint8Array): boolean {
    if (this.res.writableEnded) return false;
    this.head(undefined, false);
    this.offset += size(chunk);
    return this.res.write(toChunk(chunk));
  }

  /** Sized write: ends the response once `total` bytes went out. Returns [ok, done] like uWS. */
  tryEnd(chunk: string | ArrayBuffer | Uint8Array, total: number): [boolean, boolean] {
    if (this.res.writableEnded) return [true, true];
    this.head(total, false);
    this.offset += size(chunk);
    const ok = this.res.write(toChunk(chunk));
    if (this.offset >= total) {
      this.res.end();
      return [true, true];
    }
    return [ok, false];
  }

  getWriteOffset(): number {
    return this.offset;
  }

  /** uWS calls back with the write offset; node has written (buffered) everything already, so the retry is empty. */
  onWritable(handler: (offset: number) => boolean): this {
    this.res.once('drain', () => {
      if (!handler(this.offset)) this.onWritable(handler);
    });
    return this;
  }

  onAborted(handler: () => void): this {
    if (this.abortFn === undefined) {
      this.res.once('close', () => {
        this.closed = true;
        if (!this.res.writableFinished) this.abortFn?.();
      });
    }
    this.abortFn = handler;
    return this;
  }

  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    const req = this.req;
    req.on('data', (chunk: Buffer) => handler(chunk as unknown as ArrayBuffer, false));
    req.once('end', () => handler(EMPTY, true));
    req.on('error', () => undefined); // an aborted upload: onAborted reports it
    return this;
  }

  pause(): void {
    this.req.pause();
  }

  resume(): void {
    this.req.resume();
  }

  close(): this {
    if (!this.closed) this.res.destroy();
    return this;
  }

  cork(cb: () => void): this {
    cb();
    return this;
  }

  getRemoteAddressAsText(): Uint8Array {
    return Buffer.from(this.req.socket.remoteAddress ?? '');
  }

  getRemoteAddress(): ArrayBuffer {
    return new ArrayBuffer(0);
  }
}
