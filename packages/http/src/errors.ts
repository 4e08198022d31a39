import { defineErrors, type OdyErrorOptions } from '@ody/core';

const errors = defineErrors('http', {
  ODY_HTTP_BAD_REQUEST: { status: 400, message: 'The request is malformed (400).' },
  ODY_HTTP_VALIDATION: { status: 400, message: 'Params, query, body or headers failed schema validation (400); every bad field is listed.' },
  ODY_HTTP_MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON (400).' },
  ODY_HTTP_UNAUTHORIZED: { status: 401, message: 'The request lacks valid credentials (401).' },
  ODY_HTTP_FORBIDDEN: { status: 403, message: 'The caller may not do this (403).' },
  ODY_HTTP_NOT_FOUND: { status: 404, message: 'No route matches the path (404).' },
  ODY_HTTP_METHOD_NOT_ALLOWED: { status: 405, message: 'The path exists but not for this method (405); `Allow` lists the methods.' },
  ODY_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request body did not arrive within the request timeout (408).' },
  ODY_HTTP_CONFLICT: { status: 409, message: 'The request conflicts with the current state (409).' },
  ODY_HTTP_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than limits.maxBodyBytes (413).' },
  ODY_HTTP_URL_TOO_LONG: { status: 414, message: 'The URL is longer than limits.maxUrlLength (414).' },
  ODY_HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The body has a content type the route cannot read (415).' },
  ODY_HTTP_RANGE_NOT_SATISFIABLE: { status: 416, message: 'A Range header asks for bytes outside the file (416).' },
  ODY_HTTP_TOO_MANY_REQUESTS: { status: 429, message: 'The client exceeded its rate limit (429).' },
  ODY_HTTP_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are larger than limits.maxHeaderBytes (431).' },
  ODY_HTTP_JSON_TOO_DEEP: { status: 400, message: 'The JSON body nests deeper than limits.maxJsonDepth (400).' },
  ODY_HTTP_HEADER_INVALID: { status: 500, message: 'A handler set a response header whose name or value is invalid (CR/LF or other control characters); answered 500.' },
  ODY_HTTP_INTERNAL: { status: 500, message: 'A handler threw or rejected; details are logged, not sent (500).' },
  ODY_HTTP_UNAVAILABLE: { status: 503, message: 'The server is draining or cannot serve now (503).' },
  ODY_HTTP_ROUTE_INVALID: { message: 'A route definition is invalid (bad pattern, duplicate, bad method); raised at registration.' },
  ODY_HTTP_CONTROLLER_INVALID: { message: 'A controller class is missing @Controller or has a malformed route.' },
  ODY_HTTP_LISTEN_FAILED: { message: 'The server could not listen on the configured host and port.' },
  ODY_HTTP_STATE: { message: 'A server method was called in a state that does not allow it (e.g. listen twice).' },
  ODY_HTTP_ENGINE_UNAVAILABLE: { message: 'The engine asked for cannot run here (uws without a loadable native binary; thread workers on node).' },
  ODY_HTTP_WORKERS_CRASH_LOOP: { message: 'A worker thread crashed too often in a short window; restarts were stopped.' },
  ODY_HTTP_WORKER_MODULE_INVALID: { message: 'The worker app-factory module does not export a usable factory.' },
  ODY_HTTP_WORKER_EXITED: { message: 'A worker exited before it reported ready (its app failed to start); see its logs.' },
  ODY_HTTP_COOKIE_SECRET_MISSING: { message: 'A signed cookie was read or set but http.cookieSecret is not configured (at least 16 characters).' },
  ODY_HTTP_NEXT_CALLED_TWICE: { message: 'A middleware called next() more than once.' },
  ODY_HTTP_BODY_CONSUMED: { message: 'The request body was read as a stream already; it can be read only once.' },
  ODY_HTTP_CLIENT_ABORTED: { message: 'The client closed the connection before the request body arrived; nothing is answered.' },
});

/** Codes thrown by @ody/http, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/http. */
export type HttpErrorCode = keyof typeof errorCodes;

/** Options of an HttpError: OdyError options plus headers to send with the problem response. */
export interface HttpErrorOptions extends OdyErrorOptions {
  headers?: Record<string, string>;
  /** Close the connection after answering (used when the request body was not read). */
  closeConnection?: boolean;
}

/** Arguments of the HttpError constructor: `(code, message?, options?)`, or the older `(status, code, message, options?)`. */
type HttpErrorArgs = [code: HttpErrorCode, message?: string, options?: HttpErrorOptions] | [status: number, code: HttpErrorCode, message: string, options?: HttpErrorOptions];

function normalize(args: HttpErrorArgs): { status: number | undefined; code: HttpErrorCode; message?: string; options: HttpErrorOptions } {
  if (typeof args[0] === 'number') {
    const [status, code, message, options] = args as [number, HttpErrorCode, string, HttpErrorOptions?];
    return { status, code, message, options: options ?? {} };
  }
  const [code, message, options] = args as [HttpErrorCode, string?, HttpErrorOptions?];
  return { status: undefined, code, message, options: options ?? {} };
}

/**
 * An error answered over HTTP: it leaves the server as an RFC 9457 problem+json body with its
 * `status` (from the code's row in the table) and stable `code`.
 * @example
 * throw new HttpError('ODY_HTTP_CONFLICT', `User ${id} already exists.`);
 */
export class HttpError extends errors.Error {
  /** HTTP status of the answer (the code's row in the table; 500 when it has none). */
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly closeConnection: boolean;

  constructor(code: HttpErrorCode, message?: string, options?: HttpErrorOptions);
  /** @deprecated The status comes from the code's table row: use `new HttpError(code, message, options)`. */
  constructor(status: number, code: HttpErrorCode, message: string, options?: HttpErrorOptions);
  constructor(...args: HttpErrorArgs) {
    const { status, code, message, options } = normalize(args);
    super(code, message, options);
    this.status = status ?? errors.statusOf(code) ?? 500;
    this.headers = options.headers ?? {};
    this.closeConnection = options.closeConnection ?? false;
  }
}

/** 400 Bad Request. */
export class BadRequestError extends HttpError {
  constructor(message = 'Bad request.', options?: HttpErrorOptions) {
    super('ODY_HTTP_BAD_REQUEST', message, options);
  }
}

/** One field that failed validation. */
export interface FieldIssue {
  /** Where the field lives: params, query, body or headers. */
  location: string;
  /** Dotted path inside that location ('' for the whole value). */
  path: string;
  message: string;
}

/** 400 with every bad field listed in `details.errors` (and in the problem+json body). */
export class ValidationError extends HttpError {
  readonly errors: FieldIssue[];
  constructor(errors: FieldIssue[]) {
    const list = errors.map((e) => `${e.location}${e.path ? `.${e.path}` : ''}: ${e.message}`).join('; ');
    super('ODY_HTTP_VALIDATION', `Request validation failed: ${list}`, { details: { errors } });
    this.errors = errors;
  }
}

/** 401 Unauthorized. */
export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required.', options?: HttpErrorOptions) {
    super('ODY_HTTP_UNAUTHORIZED', message, options);
  }
}

/** 403 Forbidden. */
export class ForbiddenError extends HttpError {
  constructor(message = 'Forbidden.', options?: HttpErrorOptions) {
    super('ODY_HTTP_FORBIDDEN', message, options);
  }
}

/** 404 Not Found. */
export class NotFoundError extends HttpError {
  constructor(message = 'Not found.', options?: HttpErrorOptions) {
    super('ODY_HTTP_NOT_FOUND', message, options);
  }
}

/** 409 Conflict. */
export class ConflictError extends HttpError {
  constructor(message = 'Conflict.', options?: HttpErrorOptions) {
    super('ODY_HTTP_CONFLICT', message, options);
  }
}

/** 429 Too Many Requests. */
export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super('ODY_HTTP_TOO_MANY_REQUESTS', `Rate limit exceeded; retry in ${retryAfterSeconds}s.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
      details: { retryAfterSeconds },
    });
  }
}

/**
 * Error raised by the server itself outside a request (listen, state, routes, workers, engine).
 * It shares the one @ody/http base, HttpError (status 500 if it ever reaches a response).
 */
export class HttpServerError extends HttpError {
  constructor(code: HttpErrorCode, message?: string, options?: HttpErrorOptions) {
    super(code, message, options);
  }
}
