import { OdyError, type OdyErrorOptions } from '@ody/core';

/** Codes thrown by @ody/http, with what each one means (docs/errors.md is checked against this). */
export const errorCodes = {
  ODY_HTTP_BAD_REQUEST: 'The request is malformed (400).',
  ODY_HTTP_VALIDATION: 'Params, query, body or headers failed schema validation (400); every bad field is listed.',
  ODY_HTTP_MALFORMED_JSON: 'The request body is not valid JSON (400).',
  ODY_HTTP_UNAUTHORIZED: 'The request lacks valid credentials (401).',
  ODY_HTTP_FORBIDDEN: 'The caller may not do this (403).',
  ODY_HTTP_NOT_FOUND: 'No route matches the path (404).',
  ODY_HTTP_METHOD_NOT_ALLOWED: 'The path exists but not for this method (405); `Allow` lists the methods.',
  ODY_HTTP_REQUEST_TIMEOUT: 'The request body did not arrive within the request timeout (408).',
  ODY_HTTP_CONFLICT: 'The request conflicts with the current state (409).',
  ODY_HTTP_BODY_TOO_LARGE: 'The request body is larger than limits.maxBodyBytes (413).',
  ODY_HTTP_URL_TOO_LONG: 'The URL is longer than limits.maxUrlLength (414).',
  ODY_HTTP_UNSUPPORTED_MEDIA_TYPE: 'The body has a content type the route cannot read (415).',
  ODY_HTTP_RANGE_NOT_SATISFIABLE: 'A Range header asks for bytes outside the file (416).',
  ODY_HTTP_TOO_MANY_REQUESTS: 'The client exceeded its rate limit (429).',
  ODY_HTTP_HEADERS_TOO_LARGE: 'The request headers are larger than limits.maxHeaderBytes (431).',
  ODY_HTTP_JSON_TOO_DEEP: 'The JSON body nests deeper than limits.maxJsonDepth (400).',
  ODY_HTTP_HEADER_INVALID: 'A handler set a response header whose name or value is invalid (CR/LF or other control characters); answered 500.',
  ODY_HTTP_INTERNAL: 'A handler threw or rejected; details are logged, not sent (500).',
  ODY_HTTP_UNAVAILABLE: 'The server is draining or cannot serve now (503).',
  ODY_HTTP_ROUTE_INVALID: 'A route definition is invalid (bad pattern, duplicate, bad method); raised at registration.',
  ODY_HTTP_CONTROLLER_INVALID: 'A controller class is missing @Controller or has a malformed route.',
  ODY_HTTP_LISTEN_FAILED: 'The server could not listen on the configured host and port.',
  ODY_HTTP_STATE: 'A server method was called in a state that does not allow it (e.g. listen twice).',
  ODY_HTTP_ENGINE_UNAVAILABLE: 'The engine asked for cannot run here (uws without a loadable native binary; thread workers on node).',
  ODY_HTTP_WORKERS_CRASH_LOOP: 'A worker thread crashed too often in a short window; restarts were stopped.',
  ODY_HTTP_WORKER_MODULE_INVALID: 'The worker app-factory module does not export a usable factory.',
} as const;

/** A code thrown by @ody/http. */
export type HttpErrorCode = keyof typeof errorCodes;

/** Options of an HttpError: OdyError options plus headers to send with the problem response. */
export interface HttpErrorOptions extends OdyErrorOptions {
  headers?: Record<string, string>;
  /** Close the connection after answering (used when the request body was not read). */
  closeConnection?: boolean;
}

/**
 * Base of every @ody/http error. It leaves the server as an RFC 9457 problem+json body with its
 * `status` and stable `code`.
 * @example
 * throw new HttpError(409, 'ODY_HTTP_CONFLICT', `User ${id} already exists.`);
 */
export class HttpError extends OdyError {
  declare readonly code: HttpErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly closeConnection: boolean;

  constructor(status: number, code: HttpErrorCode, message: string, options: HttpErrorOptions = {}) {
    super(code, message, options);
    this.status = status;
    this.headers = options.headers ?? {};
    this.closeConnection = options.closeConnection ?? false;
  }
}

/** 400 Bad Request. */
export class BadRequestError extends HttpError {
  constructor(message = 'Bad request.', options?: HttpErrorOptions) {
    super(400, 'ODY_HTTP_BAD_REQUEST', message, options);
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
    super(400, 'ODY_HTTP_VALIDATION', `Request validation failed: ${list}`, { details: { errors } });
    this.errors = errors;
  }
}

/** 401 Unauthorized. */
export class UnauthorizedError extends HttpError {
  constructor(message = 'Authentication required.', options?: HttpErrorOptions) {
    super(401, 'ODY_HTTP_UNAUTHORIZED', message, options);
  }
}

/** 403 Forbidden. */
export class ForbiddenError extends HttpError {
  constructor(message = 'Forbidden.', options?: HttpErrorOptions) {
    super(403, 'ODY_HTTP_FORBIDDEN', message, options);
  }
}

/** 404 Not Found. */
export class NotFoundError extends HttpError {
  constructor(message = 'Not found.', options?: HttpErrorOptions) {
    super(404, 'ODY_HTTP_NOT_FOUND', message, options);
  }
}

/** 409 Conflict. */
export class ConflictError extends HttpError {
  constructor(message = 'Conflict.', options?: HttpErrorOptions) {
    super(409, 'ODY_HTTP_CONFLICT', message, options);
  }
}

/** 429 Too Many Requests. */
export class TooManyRequestsError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(429, 'ODY_HTTP_TOO_MANY_REQUESTS', `Rate limit exceeded; retry in ${retryAfterSeconds}s.`, {
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
  constructor(code: HttpErrorCode, message: string, options?: HttpErrorOptions) {
    super(500, code, message, options);
  }
}
