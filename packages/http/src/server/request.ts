import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { BodyReader } from '../body/reader.js';
import type { HttpLimits } from '../config.js';
import { HttpContext } from '../context/context.js';
import { HttpError } from '../errors.js';
import { type Pipeline, RESOLVED } from '../router/compose.js';
import type { RoutePattern } from '../router/pattern.js';
import { wildcardValue } from '../router/pattern.js';
import type { Deadlines } from './deadlines.js';
import { stringWire } from './encoded.js';
import { type InFlight, UwsExchange } from './exchange.js';
import { toProblem } from './problem.js';
import { respond, respondProblem } from './respond.js';

/** What a request handler needs from its server. */
export interface RequestEnv extends InFlight {
  limits: HttpLimits;
  cookieSecret: string | undefined;
  trustProxy: boolean;
  draining: boolean;
  /** Header names/values are written as strings (node engine, inject), not pre-encoded bytes. */
  readonly stringWire: boolean;
  logError(err: unknown, ctx: HttpContext): void;
  /** A request failed because its client went away: not a server error (debug level, counted). */
  logAborted(err: unknown, ctx: HttpContext | undefined): void;
  /** Request-body deadlines (requestTimeoutMs), swept by one shared timer. */
  readonly deadlines: Deadlines;
}

/** GET, HEAD, OPTIONS and TRACE bodies are not read (plain comparisons: cheaper than a Set lookup). */
function mayHaveBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && method !== 'TRACE';
}

function decodeParam(v: string): string {
  if (v.indexOf('%') < 0) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    throw new HttpError(400, 'ODY_HTTP_BAD_REQUEST', `Malformed percent-encoding in path parameter '${v}'.`);
  }
}

/** What a request runs: a route, or the miss pipeline (404/405) with no pattern. */
export interface RequestTarget {
  readonly pattern: RoutePattern | undefined;
  /** Read per request: middleware added later recomposes it. */
  readonly pipeline: Pipeline;
  /** The route's own body limit (RouteOptions.maxBodyBytes); the server limit when undefined. */
  readonly maxBodyBytes: number | undefined;
}

// forEach is synchronous: one shared callback fills the current request's headers (no closure per request).
let sinkHeaders: Record<string, string> = {};
let sinkBytes = 0;
function sinkHeader(k: string, v: string): void {
  sinkBytes += k.length + v.length;
  const prev = sinkHeaders[k];
  sinkHeaders[k] = prev === undefined ? v : `${prev}${k === 'cookie' ? '; ' : ', '}${v}`;
}

function copyHeaders(req: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  sinkHeaders = headers;
  sinkBytes = 0;
  req.forEach(sinkHeader);
  return headers;
}

/**
 * Handle one uWS request: copy everything off `req` synchronously, check URL and header limits,
 * attach the body reader (onData before any await), run the pipeline, answer. onAborted is
 * registered before returning whenever the answer is still pending.
 */
export function handleRequest(env: RequestEnv, res: HttpResponse, req: HttpRequest, target: RequestTarget, knownMethod?: string): void {
  const ex = new UwsExchange(res, env, env.cookieSecret, env.trustProxy, env.limits.maxJsonDepth);
  if (env.draining || !env.limits.keepAlive) ex.closeAfter = true;
  const method = knownMethod ?? req.getMethod().toUpperCase();
  const isHead = method === 'HEAD';
  if (env.stringWire) ex.wire = stringWire;
  const path = req.getUrl();
  const qs = req.getQuery() ?? '';
  const limits = env.limits;
  let ctx: HttpContext | undefined;
  try {
    if (path.length + qs.length > limits.maxUrlLength) {
      throw new HttpError(414, 'ODY_HTTP_URL_TOO_LONG', `URL is longer than ${limits.maxUrlLength} characters.`, {
        details: { limit: limits.maxUrlLength },
      });
    }
    const headers = copyHeaders(req);
    if (sinkBytes > limits.maxHeaderBytes) {
      throw new HttpError(431, 'ODY_HTTP_HEADERS_TOO_LARGE', `Request headers exceed ${limits.maxHeaderBytes} bytes.`, {
        details: { limit: limits.maxHeaderBytes },
        closeConnection: true,
      });
    }
    const pattern = target.pattern;
    let params: Record<string, string>;
    if (pattern === undefined) params = {};
    else {
      params = { ...pattern.paramTemplate };
      const names = pattern.params;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        params[name] = name === '*' ? decodeParam(wildcardValue(pattern, path)) : decodeParam(req.getParameter(i));
      }
    }
    ctx = new HttpContext(method, path, qs, headers, params, ex);
    if (pattern !== undefined) ctx.route = pattern.path;
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (te !== undefined || cl !== undefined) checkFraming(te, cl);
    if (mayHaveBody(method) && (te !== undefined || (cl ?? '0') !== '0')) {
      attachBody(env, ex, headers, isHead, target.maxBodyBytes ?? limits.maxBodyBytes);
    }
  } catch (err) {
    fail(env, ex, ctx, err, isHead);
    settleSync(ex);
    return;
  }
  run(env, ex, ctx, target.pipeline, isHead);
  settleSync(ex);
}

/**
 * A request body that sends nothing for this long gets 408. uWS 20.30 closes a connection idle for
 * 10 s without an answer (uSockets' 4 s timer ticks make that 8–12 s); this fires first (the deadline
 * sweep ticks at most 1 s late), so a stalled upload gets the promised 408, on both engines alike.
 */
const BODY_IDLE_MS = 6000;

const digits = /^\d+$/;

/**
 * RFC 9112 §6.3: a request whose body length is ambiguous is rejected before the handler runs, and
 * the connection closed (the rest of its bytes could be read as a smuggled request). uWS 20.30
 * takes the first of two Content-Length headers and accepts unknown transfer codings; node's parser
 * rejects these itself. Repeated headers arrive joined with ', '.
 */
function checkFraming(te: string | undefined, cl: string | undefined): void {
  let problem: string | undefined;
  if (te !== undefined && cl !== undefined) problem = 'Content-Length together with Transfer-Encoding';
  else if (te !== undefined && te.trim().toLowerCase() !== 'chunked') problem = `Transfer-Encoding '${te}' (only chunked is accepted)`;
  else if (cl !== undefined && !digits.test(cl)) problem = `Content-Length '${cl}' (one decimal length expected)`;
  if (problem !== undefined) {
    throw new HttpError(400, 'ODY_HTTP_BAD_REQUEST', `Ambiguous request framing: ${problem}.`, { closeConnection: true });
  }
}

/** Leaving the uWS callback: later writes must cork themselves, and a pending answer needs onAborted. */
function settleSync(ex: UwsExchange): void {
  ex.sync = false;
  if (!ex.done) ex.watchAbort();
}

function attachBody(env: RequestEnv, ex: UwsExchange, headers: Record<string, string>, isHead: boolean, limit: number): void {
  const declared = Number(headers['content-length']);
  if (declared > limit) {
    // Answer before reading a byte; closing the connection stops the upload.
    throw new HttpError(413, 'ODY_HTTP_BODY_TOO_LARGE', `Request body of ${declared} bytes exceeds ${limit} bytes.`, {
      details: { limit, declared },
      closeConnection: true,
    });
  }
  const res = ex.res;
  ex.watchAbort(); // before onData: an upload can be cut at any time
  // Flow control: a body stream that is full pauses the socket (res.pause) until its consumer reads
  // again (res.resume); buffered readers (json, text, …) are bounded by the limit instead.
  const reader = new BodyReader(limit, ex, (err) => fail(env, ex, undefined, err, isHead));
  ex.reader = reader;
  res.onData((chunk, isLast) => {
    reader.push(chunk, isLast);
    if (isLast) env.deadlines.delete(ex);
    else ex.touch();
  });
  const now = Date.now();
  ex.absoluteDeadline = now + env.limits.requestTimeoutMs;
  ex.bodyIdleMs = BODY_IDLE_MS;
  ex.deadline = Math.min(ex.absoluteDeadline, now + BODY_IDLE_MS);
  ex.expire = () => {
    if (reader.finished) return;
    const stalled = Date.now() < ex.absoluteDeadline;
    const message = stalled
      ? `Request body stalled: no data for ${BODY_IDLE_MS} ms.`
      : `Request body did not arrive within ${env.limits.requestTimeoutMs} ms.`;
    const err = new HttpError(408, 'ODY_HTTP_REQUEST_TIMEOUT', message, {
      details: { timeoutMs: stalled ? BODY_IDLE_MS : env.limits.requestTimeoutMs, received: reader.received },
      closeConnection: true,
    });
    reader.fail(err);
    fail(env, ex, undefined, err, isHead);
  };
  ex.deadlines = env.deadlines;
  env.deadlines.add(ex);
}

/** Run a pipeline and answer with its result or its error. */
export function run(env: RequestEnv, ex: UwsExchange, ctx: HttpContext, pipeline: Pipeline, isHead: boolean): void {
  let r: unknown;
  try {
    r = pipeline(ctx);
  } catch (err) {
    fail(env, ex, ctx, err, isHead);
    return;
  }
  if (r !== undefined && r !== RESOLVED && typeof (r as Promise<void>).then === 'function') {
    (r as Promise<void>).then(
      () => answer(env, ex, ctx, isHead),
      (err) => fail(env, ex, ctx, err, isHead),
    );
  } else answer(env, ex, ctx, isHead);
}

/** Respond, turning a body that cannot be serialised (circular, BigInt, too deep) into a 500. */
function answer(env: RequestEnv, ex: UwsExchange, ctx: HttpContext, isHead: boolean): void {
  try {
    respond(ex, ctx, isHead);
  } catch (err) {
    fail(env, ex, ctx, err, isHead);
  }
}

function fail(env: RequestEnv, ex: UwsExchange, ctx: HttpContext | undefined, err: unknown, isHead: boolean): void {
  if (ex.aborted) {
    env.logAborted(err, ctx);
    return;
  }
  const problem = toProblem(err, ctx?.path ?? '');
  if (problem.unexpected !== undefined && ctx !== undefined) env.logError(problem.unexpected, ctx);
  else if (problem.unexpected !== undefined) env.logError(problem.unexpected, new HttpContext('?', '?', '', {}, {}));
  respondProblem(ex, ctx, problem, isHead);
}
