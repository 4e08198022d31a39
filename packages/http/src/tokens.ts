import { token } from '@ody/core';
import type { HttpConfig } from './config.js';
import type { HttpRouter } from './router/router.js';
import type { OdyHttpServer } from './server/server.js';
import type { WorkerSupervisor } from './workers/supervisor.js';

/** The HTTP server of this application (one per Application, i.e. per worker thread). */
export const HttpServer = token<OdyHttpServer>('@ody/http/HttpServer');
/** The HTTP server type (same name as its token). */
export type HttpServer = OdyHttpServer;
/** The router every plugin adds routes to (before or after boot). */
export const Router = token<HttpRouter>('@ody/http/Router');
/** The router type (same name as its token). */
export type Router = HttpRouter;
/** The validated `http` config section. */
export const HttpConfigToken = token<HttpConfig>('@ody/http/HttpConfig');
/** The worker supervisor (bound in the main thread when `http.workers` is set). */
export const WorkerSupervisorToken = token<WorkerSupervisor>('@ody/http/WorkerSupervisor');
