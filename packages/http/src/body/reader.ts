import { Readable } from 'node:stream';
import { HttpError, HttpServerError } from '../errors.js';

/** Flow control the reader needs from the connection (uWS res.pause/resume). */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

/**
 * Collects a request body from uWS `onData` chunks (registered synchronously, before any await).
 * Chunks are copied at once: uWS reuses the ArrayBuffer after the callback returns. Bodies are
 * buffered until the handler asks for them, or streamed when it calls `stream()`.
 */
export class BodyReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private done = false;
  private failure?: Error;
  private waiters: Array<{ resolve: (b: Buffer) => void; reject: (e: Error) => void }> = [];
  private readable?: Readable;

  constructor(
    private readonly limit: number,
    private readonly flow?: FlowControl,
    /** Called once when the body exceeds `limit` (the server answers 413 and closes). */
    private readonly onTooLarge?: (err: HttpError) => void,
  ) {}

  /** A reader for a request without a body. */
  static empty(): BodyReader {
    const r = new BodyReader(0);
    r.done = true;
    return r;
  }

  /** Bytes received so far. */
  get received(): number {
    return this.size;
  }

  /** Whether the last chunk arrived (or reading failed). */
  get finished(): boolean {
    return this.done || this.failure !== undefined;
  }

  /** @internal feed one uWS chunk. */
  push(ab: ArrayBuffer, isLast: boolean): void {
    if (this.failure !== undefined || this.done) return;
    if (ab.byteLength > 0) {
      this.size += ab.byteLength;
      if (this.size > this.limit) {
        const err = new HttpError(413, 'ODY_HTTP_BODY_TOO_LARGE', `Request body exceeds ${this.limit} bytes.`, {
          details: { limit: this.limit },
          closeConnection: true,
        });
        this.fail(err);
        this.onTooLarge?.(err);
        return;
      }
      const chunk = Buffer.from(new Uint8Array(ab)); // copies: the ArrayBuffer dies after this callback
      if (this.readable !== undefined) {
        // Pause the socket while the stream is full — never on the last chunk: after push(null) the stream
        // asks for no more data, so nothing would resume a keep-alive connection paused here.
        if (!this.readable.push(chunk) && !isLast) this.flow?.pause();
      } else this.chunks.push(chunk);
    }
    if (isLast) {
      this.done = true;
      if (this.readable !== undefined) this.readable.push(null);
      else {
        const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
        this.chunks = [all];
        for (const w of this.waiters.splice(0)) w.resolve(all);
      }
    }
  }

  /** @internal stop reading with an error (abort, timeout, limit). */
  fail(err: Error): void {
    if (this.failure !== undefined || this.done) return;
    this.failure = err;
    this.chunks = [];
    for (const w of this.waiters.splice(0)) w.reject(err);
    this.readable?.destroy(err);
  }

  /** The whole body as one Buffer. */
  buffer(): Promise<Buffer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.readable !== undefined) return Promise.reject(new HttpServerError('ODY_HTTP_BODY_CONSUMED', 'The request body is already being streamed (body.stream()); read it once, either as a stream or whole.'));
    if (this.done) return Promise.resolve(this.chunks.length === 0 ? Buffer.alloc(0) : this.chunks[0]!);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** The body as a Node stream with backpressure (the socket is paused while the stream is full). */
  stream(): Readable {
    if (this.readable !== undefined) return this.readable;
    const flow = this.flow;
    const r = new Readable({
      highWaterMark: 64 * 1024,
      read() {
        flow?.resume();
      },
    });
    this.readable = r;
    if (this.failure !== undefined) {
      r.destroy(this.failure);
      return r;
    }
    for (const c of this.chunks) r.push(c);
    this.chunks = [];
    if (this.done) r.push(null);
    return r;
  }
}
