import { Readable } from 'node:stream';
import type { HttpContext } from '../context/context.js';
import type { UwsExchange } from './exchange.js';
import type { Problem } from './problem.js';
import { statusLine } from './problem.js';
import type { WireValue } from './encoded.js';
import { endHead } from './end-head.js';
import { pipeStream } from './stream.js';

type Bytes = WireValue;


function isNodeStream(v: object): v is Readable {
  return typeof (v as Readable).pipe === 'function' && typeof (v as Readable).on === 'function';
}
function isWebStream(v: object): v is ReadableStream {
  return typeof (v as ReadableStream).getReader === 'function';
}

/** Write the status line and headers (inside a cork). */
function writeHead(ex: UwsExchange, status: number, type: Bytes | undefined, ctx: HttpContext, skipLength: boolean): void {
  const res = ex.res;
  if (status !== 200) res.writeStatus(statusLine(status)); // uWS answers 200 OK by default
  const hs = ctx.responseHeaders;
  let typed = false;
  if (hs !== undefined) {
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i]!;
      const k = h[0];
      if (k === 'content-type') typed = true;
      else if (skipLength && k === 'content-length') continue;
      res.writeHeader(ex.wire.name(k), ex.wire.value(h[1]));
    }
  }
  if (!typed && type !== undefined) res.writeHeader(ex.wire.contentType, type);
}

/**
 * Send ctx.responseBody: object → JSON, string → text, bytes → octet-stream, Node or Web stream →
 * streamed with backpressure, undefined → 204. A no-op when the client already went away.
 */
export function respond(ex: UwsExchange, ctx: HttpContext, isHead: boolean): void {
  if (!ex.writable) return;
  if (ex.reader !== undefined) ex.beforeAnswer();
  const body = ctx.responseBody;
  let payload: string | Uint8Array | undefined;
  let type: Bytes | undefined;
  let status = ctx.statusCode;
  if (body === undefined) {
    if (status === 200) status = 204;
  } else if (typeof body === 'string') {
    payload = body;
    type = ex.wire.text;
  } else if (body instanceof Uint8Array) {
    payload = body;
    type = ex.wire.bytes;
  } else if (body instanceof ArrayBuffer) {
    payload = new Uint8Array(body);
    type = ex.wire.bytes;
  } else if (isPlainJson(body)) {
    payload = JSON.stringify(body);
    type = ex.wire.json;
  } else if (typeof body === 'object' && body !== null && (isNodeStream(body) || isWebStream(body))) {
    const source = isNodeStream(body) ? body : Readable.fromWeb(body as import('node:stream/web').ReadableStream);
    pipeStream(ex, ctx, status, source, isHead, (closeOnly) => writeHead(ex, status, ex.wire.bytes, ctx, closeOnly));
    return;
  } else {
    payload = JSON.stringify(body);
    type = ex.wire.json;
  }
  if (!isHead && payload !== undefined && byteSize(payload) > CORK_SAFE_BYTES) {
    sendLarge(ex, status, type, ctx, payload);
    return;
  }
  // Inside the uWS request callback writes are already corked; later (after an await) cork them.
  if (ex.sync) writeAll(ex, status, type, ctx, payload, isHead);
  else ex.res.cork(() => writeAll(ex, status, type, ctx, payload, isHead));
  ex.finish();
}

/**
 * uWS 20.30 loses data written inside a cork when it does not fit the 16 KiB cork buffer and the
 * socket is full at that moment (AsyncSocket::uncork returns before writing it). Large bodies are
 * therefore written outside any cork: the head corked, the body after it. Inside the uWS request
 * callback (always corked) the answer moves to the next turn of the event loop.
 */
function sendLarge(ex: UwsExchange, status: number, type: Bytes | undefined, ctx: HttpContext, payload: string | Uint8Array): void {
  if (ex.sync) {
    ex.watchAbort();
    setImmediate(() => {
      if (ex.writable) sendLarge(ex, status, type, ctx, payload);
    });
    return;
  }
  const res = ex.res;
  res.cork(() => writeHead(ex, status, type, ctx, true));
  res.end(payload, ex.closeAfter);
  ex.finish();
}

/** Headers plus this much body stay far below uWS's 16 KiB cork buffer. */
const CORK_SAFE_BYTES = 8 * 1024;

function byteSize(payload: string | Uint8Array): number {
  if (typeof payload !== 'string') return payload.byteLength;
  return payload.length <= CORK_SAFE_BYTES / 3 ? payload.length : Buffer.byteLength(payload);
}

function writeAll(ex: UwsExchange, status: number, type: Bytes | undefined, ctx: HttpContext, payload: string | Uint8Array | undefined, isHead: boolean): void {
  const close = ex.closeAfter;
  writeHead(ex, status, type, ctx, true);
  if (payload === undefined) ex.res.endWithoutBody(0, close);
  else if (isHead) endHead(ex, typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength, close);
  else ex.res.end(payload, close);
}


function isPlainJson(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return typeof v === 'number' || typeof v === 'boolean';
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null || Array.isArray(v);
}

/** Send a problem+json answer, keeping headers middleware already set (CORS, request id). */
export function respondProblem(ex: UwsExchange, ctx: HttpContext | undefined, problem: Problem, isHead: boolean): void {
  if (!ex.writable) return;
  if (ex.reader !== undefined) ex.beforeAnswer();
  const close = ex.closeAfter || problem.closeConnection;
  const res = ex.res;
  res.cork(() => {
    res.writeStatus(statusLine(problem.status));
    if (ctx?.responseHeaders) {
      for (const [k, v] of ctx.responseHeaders) {
        if (k !== 'content-type' && k !== 'content-length' && !(k in problem.headers)) res.writeHeader(k, v);
      }
    }
    for (const k in problem.headers) res.writeHeader(k, problem.headers[k]!);
    res.writeHeader(ex.wire.contentType, ex.wire.problem);
    if (isHead) endHead(ex, Buffer.byteLength(problem.body), close);
    else res.end(problem.body, close);
  });
  ex.finish();
}
