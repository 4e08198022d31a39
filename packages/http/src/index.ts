export { type FieldPart, type FilePart, type MultipartLimits, type MultipartPart, parseMultipart } from './body/multipart.js';
export { BodyReader } from './body/reader.js';
export { mediaType, parseForm, RequestBody } from './body/request-body.js';
export { type HttpConfig, type HttpConfigInput, type HttpLimits, httpConfigSchema, limitsSchema, resolveHttpConfig } from './config.js';
export { type Exchange, HttpContext } from './context/context.js';
export { type CookieOptions, Cookies, serializeCookie } from './context/cookies.js';
export { issuesOf, validateRequest, validateValue } from './context/validate.js';
export { Body, Controller, Ctx, Delete, Get, Head, Headers, Options, Param, Patch, Post, Put, QueryParam, Use } from './controller/decorators.js';
export {
  type ArgSource,
  body,
  type ControllerMeta,
  type ControllerRoute,
  controllerMeta,
  ctx,
  defineArg,
  defineController,
  defineRoute,
  headers,
  param,
  query,
} from './controller/metadata.js';
export { registerController } from './controller/register.js';
export type { InjectRequest, InjectResponse } from './engine/inject.js';
export { engineChoice, resolveEngine } from './engine/select.js';
export type { EngineApp, EngineChoice, EngineHandler, EngineName, HttpEngine, ListenHandle } from './engine/types.js';
export {
  BadRequestError,
  ConflictError,
  errorCodes as httpErrorCodes,
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
export {
  accessLog,
  type CompressionOptions,
  type CorsOptions,
  compression,
  contentTypeFor,
  cors,
  defaultSecurityHeaders,
  MemoryRateLimitStore,
  type RateLimitOptions,
  type RateLimitStore,
  type RequestIdOptions,
  rateLimit,
  requestId,
  type SecurityHeadersOptions,
  type StaticOptions,
  securityHeaders,
  serveStatic,
  type TakeResult,
} from './middleware/index.js';
export { type HttpPluginOptions, httpPlugin } from './plugin.js';
export { compose, type Pipeline } from './router/compose.js';
export { joinPath } from './router/pattern.js';
export { HttpRouter, RouteGroup } from './router/router.js';
export { type Problem, toProblem } from './server/problem.js';
export { closeAllApps } from './server/registry.js';
export { createServer, OdyHttpServer, type ServerOptions, type ServerState, UwsHttpServer } from './server/server.js';
export { HttpConfigToken, HttpServer, Router, WorkerSupervisorToken } from './tokens.js';
export {
  type Handler,
  type HttpMethod,
  httpMethods,
  type Middleware,
  type RouteInfo,
  type RouteOptions,
  type RouteHandler,
  type RouteSchemas,
  type ValidOf,
} from './types.js';
export {
  type RestartPolicy,
  resolveWorkerCount,
  startWorkers,
  type WorkerMode,
  type WorkerOptions,
  type WorkerSlotInfo,
  type WorkerSupervisor,
} from './workers/supervisor.js';
