import { STATUS_CODES } from 'node:http';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { HttpServerError } from '../errors.js';
import type { RouteTable } from './routes.js';
import { splitTarget } from './node/request.js';

/** A request for `server.inject()`. */
export interface InjectRequest {
  /** Default GET. */
  method?: string;
  /** Path and query, e.g. `/users/1?full=true`. */
  url: string;
  /** Header names in any case. */
  headers?: Record<string, string | string[]>;
  /** A string or bytes are sent as is; any other value as JSON (with `content-type: application/json`). */
  body?: unknown;
  /** Remote address the handler sees (default 127.0.0.1). */
  remoteAddress?: string;
}

/** What `server.inject()` resolves with. */
export interface InjectResponse {
  statusCode: number;
  statusMessage: string;
  /** Lower-case names; repeated headers (set-cookie) are arrays. */
  headers: Record<string, string | string[]>;
  /** The body as UTF-8 text. */
  body: string;
  rawBody: Buffer;
  /** Whether the server asked to close the connection. */
  closed: boolean;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

function toBytes(v: unknown): Buffer {
  if (typeof v === 'string') return Buffer.from(v);
  if (v instanceof ArrayBuffer) return Buffer.from(new Uint8Array(v));
  if (v instanceof Uint8Array) return Buffer.from(v);
  return Buffer.from(JSON.stringify(v));
}

const decoder = new TextDecoder();
function text(v: string | ArrayBuffer): string {
  return typeof v === 'string' ? v : decoder.decode(v);
}

/** The in-memory request: uWS's request surface over plain values. */
class MemoryRequest {
  constructor(
    private readonly method: string,
    private readonly path: string,
    private readonly query: string | undefined,
    private readonly headerList: Array<[string, string]>,
    private readonly params: string[],
  ) {}
  getUrl(): string {
    return this.path;
  }
  getQuery(): string | undefined {
    return this.query;
  }
  getMethod(): string {
    return this.method.toLowerCase();
  }
  getParameter(i: number): string {
    return this.params[i] ?? '';
  }
  getHeader(name: string): string {
    return this.headerList.find(([k]) => k === name)?.[1] ?? '';
  }
  forEach(cb: (k: string, v: string) => void): void {
    for (const [k, v] of this.headerList) cb(k, v);
  }
}

/** The in-memory response: collects status, headers and body; resolves when the answer is complete. */
class MemoryResponse {
  status = 200;
  statusText = 'OK';
  readonly headers: Array<[string, string]> = [];
  readonly chunks: Buffer[] = [];
  closeAfter = false;
  private offset = 0;
  private finished = false;

  constructor(
    private readonly body: Buffer | undefined,
    private readonly remote: string,
    private readonly done: (r: MemoryResponse) => void,
  ) {}

  writeStatus(line: string): this {
    const sp = line.indexOf(' ');
    this.status = Number(line.slice(0, sp));
    this.statusText = line.slice(sp + 1);
    return this;
  }
  writeHeader(k: string | ArrayBuffer, v: string | ArrayBuffer): this {
    // The uws engine's server writes pre-encoded header bytes; inject shares its routes.
    this.headers.push([text(k), text(v)]);
    return this;
  }
  end(body?: unknown, close?: boolean): this {
    if (body !== undefined) this.chunks.push(toBytes(body));
    return this.finish(close);
  }
  endWithoutBody(_length?: number, close?: boolean): this {
    return this.finish(close);
  }
  write(chunk: unknown): boolean {
    if (!this.finished) this.chunks.push(toBytes(chunk));
    return true;
  }
  tryEnd(chunk: unknown, total: number): [boolean, boolean] {
    const b = toBytes(chunk);
    this.chunks.push(b);
    this.offset += b.byteLength;
    if (this.offset >= total) {
      this.finish(false);
      return [true, true];
    }
    return [true, false];
  }
  getWriteOffset(): number {
    return this.offset;
  }
  onWritable(): this {
    return this;
  }
  onAborted(): this {
    return this;
  }
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): this {
    const body = this.body;
    // Delivered on a later turn, as a socket would: the handler registers and returns first.
    setImmediate(() => {
      if (body !== undefined && body.byteLength > 0) handler(body as unknown as ArrayBuffer, false);
      handler(new ArrayBuffer(0), true);
    });
    return this;
  }
  pause(): void {}
  resume(): void {}
  close(): this {
    this.closeAfter = true;
    return this.finish(true);
  }
  cork(cb: () => void): this {
    cb();
    return this;
  }
  getRemoteAddressAsText(): Uint8Array {
    return Buffer.from(this.remote);
  }
  private finish(close?: boolean): this {
    if (this.finished) return this;
    this.finished = true;
    if (close) this.closeAfter = true;
    this.done(this);
    return this;
  }
}

/**
 * Run one request through the server's full path (routing, middleware, limits, validation,
 * problem+json) without a socket, like fastify's inject() and hono's app.request().
 */
export function injectInto(routes: RouteTable, request: InjectRequest): Promise<InjectResponse> {
  const method = (request.method ?? 'GET').toUpperCase();
  if (!request.url.startsWith('/')) {
    return Promise.reject(new HttpServerError('ODY_HTTP_STATE', `inject() needs a path starting with '/', got '${request.url}'.`));
  }
  const { path, query } = splitTarget(request.url);
  const headerList: Array<[string, string]> = [];
  let hasType = false;
  let hasLength = false;
  for (const [k, v] of Object.entries(request.headers ?? {})) {
    const name = k.toLowerCase();
    if (name === 'content-type') hasType = true;
    if (name === 'content-length' || name === 'transfer-encoding') hasLength = true;
    for (const one of Array.isArray(v) ? v : [v]) headerList.push([name, one]);
  }
  const raw = request.body;
  const body = raw === undefined ? undefined : toBytes(raw);
  if (body !== undefined) {
    const isJson = typeof raw !== 'string' && !(raw instanceof Uint8Array) && !(raw instanceof ArrayBuffer);
    if (isJson && !hasType) headerList.push(['content-type', 'application/json']);
    if (!hasLength) headerList.push(['content-length', String(body.byteLength)]);
  }
  if (!headerList.some(([k]) => k === 'host')) headerList.push(['host', 'localhost']);
  const match = routes.match(method, path);
  if (match === undefined) return Promise.reject(new HttpServerError('ODY_HTTP_STATE', 'inject() found no route table; call it on a server created by createServer().'));
  return new Promise((resolve) => {
    const res = new MemoryResponse(body, request.remoteAddress ?? '127.0.0.1', (r) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of r.headers) {
        const prev = headers[k];
        headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      const rawBody = Buffer.concat(r.chunks);
      resolve({
        statusCode: r.status,
        statusMessage: r.statusText || STATUS_CODES[r.status] || '',
        headers,
        rawBody,
        body: rawBody.toString('utf8'),
        closed: r.closeAfter,
        json: <T>() => JSON.parse(rawBody.toString('utf8')) as T,
      });
    });
    const req = new MemoryRequest(method, path, query, headerList, match.params);
    match.handler(res as unknown as HttpResponse, req as unknown as HttpRequest);
  });
}
