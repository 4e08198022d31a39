export { BodyReader } from './body/reader.js';
export { type FieldPart, type FilePart, type MultipartLimits, type MultipartPart, parseMultipart } from './body/multipart.js';
export { mediaType, parseForm, RequestBody } from './body/request-body.js';
export { type HttpConfig, type HttpConfigInput, type HttpLimits, httpConfigSchema, limitsSchema, resolveHttpConfig } from './config.js';
export { HttpContext, type Exchange } from './context/context.js';
export { type CookieOptions, Cookies, serializeCookie } from './context/cookies.js';
export { issuesOf, validateRequest, validateValue } from './context/validate.js';
export { type Engine, type EngineInfo, loadEngine } from './engine.js';
export {
  BadRequestError,
  ConflictError,
  errorCodes,
  type FieldIssue,
  ForbiddenError,
  HttpError,
  type HttpErrorCode,
  type HttpErrorOptions,
  HttpServerError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from './errors.js';
export { type HttpPluginOptions, httpPlugin } from './plugin.js';
export { compose, type Pipeline } from './router/compose.js';
export { joinPath } from './router/pattern.js';
export { HttpRouter, RouteGroup } from './router/router.js';
export { type Problem, toProblem } from './server/problem.js';
export { closeAllApps } from './server/registry.js';
export { createServer, type ServerOptions, type ServerState, UwsHttpServer } from './server/server.js';
export { HttpConfigToken, HttpServer, Router } from './tokens.js';
export {
  type Handler,
  type HttpMethod,
  httpMethods,
  type Middleware,
  type RouteInfo,
  type RouteOptions,
  type RouteSchemas,
} from './types.js';
export {
  type RestartPolicy,
  resolveWorkerCount,
  startWorkers,
  type WorkerOptions,
  type WorkerSlotInfo,
  type WorkerSupervisor,
} from './workers/supervisor.js';
