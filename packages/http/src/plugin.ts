import { definePlugin, type Newable, type Plugin, type z } from '@ody/core';
import { httpConfigSchema } from './config.js';
import { HttpRouter } from './router/router.js';
import { OdyHttpServer } from './server/server.js';
import { HttpConfigToken, HttpServer, Router, WorkerSupervisorToken } from './tokens.js';
import type { Middleware } from './types.js';
import { WORKER_ENV } from './workers/env.js';
import { isWorkerProcess } from './workers/role.js';
import { type RestartPolicy, resolveWorkerCount, startWorkers, type WorkerSupervisor } from './workers/supervisor.js';

/**
 * Options of httpPlugin: code (middleware, routes, controllers, workers' module) and any key of the
 * `http` config section (`port`, `host`, `limits`…), which config and then env override.
 */
export interface HttpPluginOptions extends Partial<z.input<typeof httpConfigSchema>> {
  /** Global middleware, added before any route. */
  middleware?: Middleware[];
  /** Add routes (functional style); runs in register, so other plugins see them. */
  routes?: (router: HttpRouter) => void;
  /** Decorated controller classes, resolved from the DI container at boot. */
  controllers?: Newable<object>[];
  /**
   * Module that builds this Application (exports `createApp` or a default factory). Required when
   * `http.workers` is not 0: each worker (thread or process) imports it and builds its own Application.
   */
  workerModule?: string | URL;
  /** execArgv for workers (default: what a TypeScript app module needs, i.e. tsx). */
  workerExecArgv?: string[];
  /** Restart backoff and crash-loop policy of the worker supervisor. */
  workerRestart?: Partial<RestartPolicy>;
}

/**
 * The HTTP plugin: binds `Router`, `HttpServer` and `HttpConfigToken` in register (so other plugins
 * can add routes from their own register/boot with `ctx.get(Router)`), listens at boot, drains at
 * shutdown. With `http.workers`, the main thread supervises workers (threads, or processes with
 * `http.workerMode: 'process'`) instead of listening.
 * @example
 * createApplication({ config: { http: { port: 3000 } }, plugins: [httpPlugin({ controllers: [UsersController] })] });
 */
export function httpPlugin(options: HttpPluginOptions = {}): Plugin<typeof httpConfigSchema> {
  let supervisor: WorkerSupervisor | undefined;
  // Config-shaped options (port, host, limits…): defaults < these < config < env.
  const { middleware: _m, routes: _r, controllers: _c, workerModule: _w, workerExecArgv: _x, workerRestart: _p, ...settings } = options;
  return definePlugin({
    name: 'http',
    configSchema: httpConfigSchema,
    options: settings,
    internalEnv: Object.values(WORKER_ENV),
    register(ctx) {
      const router = new HttpRouter();
      router.setResolver((cls) => ctx.resolve(cls));
      if (options.middleware?.length) router.use(...options.middleware);
      const server = new OdyHttpServer({ router, config: ctx.config, logger: ctx.logger });
      ctx.bind(Router).toValue(router);
      ctx.bind(HttpServer).toValue(server);
      ctx.bind(HttpConfigToken).toValue(server.config);
      options.routes?.(router);
    },
    async boot(ctx) {
      const router = ctx.get(Router);
      for (const c of options.controllers ?? []) router.controller(c);
      const workers = resolveWorkerCount(ctx.config.workers);
      if (workers > 0 && ctx.worker.isMain && !isWorkerProcess()) {
        supervisor = await startWorkers({
          module: options.workerModule,
          count: workers,
          mode: ctx.config.workerMode,
          logger: ctx.logger,
          execArgv: options.workerExecArgv,
          stopTimeoutMs: ctx.config.shutdownTimeoutMs,
          restart: options.workerRestart,
          engine: ctx.get(HttpServer).engine,
          listen: { host: ctx.config.host, port: ctx.config.port },
        });
        ctx.bind(WorkerSupervisorToken).toValue(supervisor);
        return;
      }
      await ctx.get(HttpServer).listen();
    },
    async shutdown(ctx) {
      if (supervisor !== undefined) {
        await supervisor.stop();
        supervisor = undefined;
      }
      await ctx.get(HttpServer).close();
    },
  });
}
