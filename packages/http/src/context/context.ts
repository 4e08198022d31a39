import { BodyReader } from '../body/reader.js';
import { RequestBody } from '../body/request-body.js';
import type { RouteSchemas } from '../types.js';
import { HttpError } from '../errors.js';
import { Cookies } from './cookies.js';

/** What a context needs from the connection; the server implements it over a uWS response. */
export interface Exchange {
  readonly aborted: boolean;
  /** Run `fn` if the client goes away before the response is finished. */
  onAbort(fn: () => void): void;
  remoteAddress(): string;
  readonly reader?: BodyReader;
  readonly cookieSecret?: string;
  readonly trustProxy?: boolean;
  /** limits.maxJsonDepth of the server. */
  readonly maxJsonDepth?: number;
}

/** Values parsed by a route's schemas. */
export interface ValidValues {
  params?: unknown;
  query?: unknown;
  body?: unknown;
  headers?: unknown;
}

const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// field-value: visible ASCII, space, tab and obs-text; no CR, LF, NUL or other controls.
const invalidValue = /[^\t\x20-\x7e\x80-\xff]/;

const detached: Exchange = { aborted: false, onAbort() {}, remoteAddress: () => '' };

/**
 * One request and the response being built. Everything from the uWS request (method, path, query,
 * headers, params) is copied before the handler runs, so it stays valid across awaits.
 * @example
 * router.get('/users/:id', (ctx) => { ctx.header('cache-control', 'no-store'); return { id: ctx.params.id }; });
 */
export class HttpContext<P extends Record<string, string> = Record<string, string>, V extends ValidValues = ValidValues> {
  /** Upper-case method. */
  readonly method: string;
  /** URL path without the query string. */
  readonly path: string;
  /** Raw query string without '?'. */
  readonly querystring: string;
  /** Request headers, lower-case names. */
  readonly headers: Record<string, string>;
  /** Route params (`*` holds a wildcard's match). */
  params: P;
  /** Response status (default 200; 204 when the body is undefined). */
  statusCode = 200;
  /** Response body; the handler's return value lands here. Middleware may replace it. */
  responseBody: unknown = undefined;
  /** Response headers as [name, value] pairs (several set-cookie allowed). */
  responseHeaders: Array<[string, string]> | undefined = undefined;
  /** Request id (set by the requestId middleware). */
  requestId: string | undefined = undefined;
  /**
   * Template of the matched route (`/users/:id`), for span names and metric labels; undefined when no
   * route matched (404/405). Set by the server before the pipeline runs.
   */
  route: string | undefined = undefined;
  /** @internal */
  readonly exchange: Exchange;
  private parsedQuery: Record<string, string | string[]> | undefined = undefined;
  private requestBody: RequestBody | undefined = undefined;
  private cookieJar: Cookies | undefined = undefined;
  private abortController: AbortController | undefined = undefined;
  private stateBag: Record<string, unknown> | undefined = undefined;
  private validBag: ValidValues | undefined = undefined;

  constructor(method: string, path: string, querystring: string, headers: Record<string, string>, params: P, exchange: Exchange = detached) {
    this.method = method;
    this.path = path;
    this.querystring = querystring;
    this.headers = headers;
    this.params = params;
    this.exchange = exchange;
  }

  /** Per-request scratch space for middleware. */
  get state(): Record<string, unknown> {
    this.stateBag ??= {};
    return this.stateBag;
  }

  /** Values parsed by the route's schemas (params, query, body, headers), typed from those schemas. */
  get valid(): V {
    this.validBag ??= {};
    return this.validBag as V;
  }

  /** Query parameters; repeated keys become arrays. */
  get query(): Record<string, string | string[]> {
    if (this.parsedQuery === undefined) {
      // Null prototype: `?constructor=x` is a plain key, not a clash with Object.prototype.
      const q: Record<string, string | string[]> = Object.create(null);
      if (this.querystring !== '') {
        for (const [k, v] of new URLSearchParams(this.querystring)) {
          const prev = q[k];
          q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
      }
      this.parsedQuery = q;
    }
    return this.parsedQuery;
  }

  /** The request body, read on demand (json, text, form, raw, stream, multipart, parsed). */
  get body(): RequestBody {
    this.requestBody ??= new RequestBody(this.exchange.reader ?? BodyReader.empty(), this.headers, this.exchange.maxJsonDepth);
    return this.requestBody;
  }

  /** Request cookies and Set-Cookie helpers (signed with http.cookieSecret). */
  get cookies(): Cookies {
    this.cookieJar ??= new Cookies(this.headers.cookie, this.exchange.cookieSecret, (v) => this.header('set-cookie', v, true));
    return this.cookieJar;
  }

  /** Client address (first `x-forwarded-for` entry when http.trustProxy is on). */
  get ip(): string {
    if (this.exchange.trustProxy) {
      const fwd = this.headers['x-forwarded-for'];
      if (fwd) return fwd.split(',')[0]!.trim();
    }
    return this.exchange.remoteAddress();
  }

  /** Whether the client went away. */
  get aborted(): boolean {
    return this.exchange.aborted;
  }

  /** Aborts when the client goes away; pass it to fetch, streams, timers. */
  get signal(): AbortSignal {
    if (this.abortController === undefined) {
      const ac = new AbortController();
      this.abortController = ac;
      if (this.exchange.aborted) ac.abort();
      else this.exchange.onAbort(() => ac.abort());
    }
    return this.abortController.signal;
  }

  /** A request header (lower-case name). */
  get(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  /** Set the response status. */
  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  /** Set (or with `append`, add) a response header. */
  header(name: string, value: string, append = false): this {
    // RFC 9110 token name and field-value: a CR/LF from request data must never split the response.
    if (!headerName.test(name) || invalidValue.test(value)) {
      throw new HttpError(500, 'ODY_HTTP_HEADER_INVALID', `Response header '${headerName.test(name) ? name : '(invalid name)'}' has an invalid name or value (CR, LF or another control character).`);
    }
    const key = name.toLowerCase();
    this.responseHeaders ??= [];
    const list = this.responseHeaders;
    if (!append) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i]![0] === key) list.splice(i, 1);
    }
    list.push([key, value]);
    return this;
  }

  /** A response header already set, if any. */
  getResponseHeader(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.responseHeaders?.find((h) => h[0] === key)?.[1];
  }

  /** Redirect (302 by default). */
  redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 302): void {
    this.statusCode = status;
    this.header('location', location);
    this.responseBody = '';
  }

  /** Typed access to values parsed by a route schema. */
  validated<T>(location: keyof RouteSchemas): T {
    return this.valid[location] as T;
  }
}
