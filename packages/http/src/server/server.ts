import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { createLogger, type Logger } from '@ody/core';
import { type HttpConfig, type HttpConfigInput, type HttpLimits, resolveHttpConfig } from '../config.js';
import type { HttpContext } from '../context/context.js';
import { type InjectRequest, type InjectResponse, injectInto } from '../engine/inject.js';
import { type MethodKey, RouteTable } from '../engine/routes.js';
import { engineChoice, resolveEngine } from '../engine/select.js';
import type { EngineApp, EngineName, HttpEngine, ListenHandle } from '../engine/types.js';
import { HttpServerError } from '../errors.js';
import type { RouteRecord } from '../router/route.js';
import { HttpRouter } from '../router/router.js';
import { Deadlines } from './deadlines.js';
import { freePort } from './free-port.js';
import { closeAllApps, trackApp, untrackApp } from './registry.js';
import { handleRequest, type RequestEnv, type RequestTarget } from './request.js';

/** Where a server is in its life. */
export type ServerState = 'idle' | 'listening' | 'draining' | 'closed';

/** Options of createServer / new OdyHttpServer. */
export interface ServerOptions {
  router?: HttpRouter;
  config?: HttpConfigInput;
  logger?: Logger;
}

const methodKeys: Record<string, MethodKey> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'del', HEAD: 'head', OPTIONS: 'options' };

/**
 * An HTTP server serving a router on one of two engines (`http.engine`: uWebSockets.js or
 * node:http); the app never knows which. Routes may be added before or after listen. Other
 * packages reach the engine's app through `app` (e.g. to add `.ws()` upgrade routes) and run
 * cleanup through `onClose`. `inject()` runs a request without a socket.
 * @example
 * const server = createServer({ config: { port: 3000 } });
 * server.router.get('/', () => 'hello');
 * await server.listen();
 */
export class OdyHttpServer implements RequestEnv {
  readonly router: HttpRouter;
  readonly config: HttpConfig;
  readonly logger: Logger;
  /** The engine serving requests: 'uws' or 'node'. */
  readonly engine: EngineName;
  /** Why this engine was chosen (also logged once at construction). */
  readonly engineReason: string;
  inFlight = 0;
  readonly limits: HttpLimits;
  readonly cookieSecret: string | undefined;
  readonly trustProxy: boolean;
  /** @internal header names/values are strings (node engine, inject) rather than pre-encoded bytes. */
  readonly stringWire: boolean;
  /** @internal */
  readonly deadlines: Deadlines;
  private readonly engineImpl: HttpEngine;
  private readonly engineApp: EngineApp;
  /** Routing for inject(): the same handlers the engine's app gets. */
  private readonly injectRoutes = new RouteTable();
  private listenSocket?: ListenHandle;
  private boundPort = 0;
  private currentState: ServerState = 'idle';
  private readonly headSlots = new Map<string, RouteRecord>();
  private readonly closeHooks: Array<() => void | Promise<void>> = [];
  private idleWaiters: Array<() => void> = [];
  private unsubscribe?: () => void;

  constructor(options: ServerOptions = {}) {
    this.config = resolveHttpConfig(options.config);
    this.limits = this.config.limits;
    this.cookieSecret = this.config.cookieSecret;
    this.trustProxy = this.config.trustProxy;
    this.deadlines = new Deadlines(this.limits.requestTimeoutMs);
    this.router = options.router ?? new HttpRouter();
    this.logger = options.logger ?? createLogger({ name: 'http' });
    this.engineImpl = resolveEngine(engineChoice(this.config.engine));
    this.engine = this.engineImpl.name;
    this.engineReason = this.engineImpl.reason;
    this.stringWire = this.engineImpl.stringWire;
    this.logger.info({ engine: this.engine, reason: this.engineReason }, `http engine: ${this.engine} (${this.engineReason})`);
    this.engineApp = this.engineImpl.createApp({
      maxHeaderBytes: this.limits.maxHeaderBytes + this.limits.maxUrlLength + 1024,
      headersTimeoutMs: Math.min(this.limits.requestTimeoutMs, 60_000),
      keepAliveTimeoutMs: 10_000,
    });
  }

  /** The engine's app (the uWS app on `uws`): add `.ws()` routes here (before or after listen). */
  get app(): EngineApp {
    return this.engineApp;
  }

  /**
   * Run one request through routing, middleware, limits, validation and error handling without a
   * socket (fastify's inject, hono's app.request). Routes are mounted on the first call.
   * @example
   * const res = await server.inject({ method: 'POST', url: '/users', body: { name: 'Ada' } });
   * expect(res.statusCode).toBe(201);
   */
  inject(request: InjectRequest): Promise<InjectResponse> {
    if (this.currentState === 'idle') this.mountAll();
    return injectInto(this.injectRoutes, request);
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  get state(): ServerState {
    return this.currentState;
  }

  /** True while shutting down; the health route answers 503 `draining`. */
  get draining(): boolean {
    return this.currentState === 'draining';
  }

  /** Run `fn` during close, after in-flight requests finished and before sockets are closed. */
  onClose(fn: () => void | Promise<void>): void {
    this.closeHooks.push(fn);
  }

  /** @internal */
  settle(): void {
    if (this.inFlight === 0 && this.idleWaiters.length > 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Requests whose client went away before the answer (aborted uploads and downloads). */
  abortedRequests = 0;

  /** @internal */
  logAborted(err: unknown, ctx: HttpContext | undefined): void {
    this.abortedRequests++;
    this.logger.debug({ err: err instanceof Error ? err.message : String(err), method: ctx?.method, path: ctx?.path }, 'request aborted by the client');
  }

  /** @internal */
  logError(err: unknown, ctx: HttpContext): void {
    this.logger.error({ err, method: ctx.method, path: ctx.path }, 'request handler failed');
  }

  /** Mount the routes and listen on config host/port. Resolves with the bound port. */
  listen(): Promise<number> {
    if (this.currentState !== 'idle') {
      return Promise.reject(new HttpServerError('ODY_HTTP_STATE', `Cannot listen: the server is ${this.currentState}.`));
    }
    this.mountAll();
    return this.bind();
  }

  private mounted = false;

  /** Mount health, every route (and each later one) and the miss handler; once. */
  private mountAll(): void {
    if (this.mounted) return;
    this.mounted = true;
    this.mountHealth();
    this.unsubscribe = this.router.subscribe((r) => this.mount(r));
    const router = this.router;
    const miss: RequestTarget = {
      pattern: undefined,
      maxBodyBytes: undefined,
      get pipeline() {
        return router.missPipeline;
      },
    };
    this.addRoute('any', '/*', (res, req) => handleRequest(this, res, req, miss));
  }

  private addRoute(method: MethodKey, path: string, handler: (res: HttpResponse, req: HttpRequest) => void): void {
    this.engineApp[method](path, handler);
    this.injectRoutes.add(method, path, handler);
  }

  private async bind(): Promise<number> {
    const { host, port } = this.config;
    // Port 0: pick the port here (see free-port.ts); retry if another process takes it in between.
    for (let attempt = 0; ; attempt++) {
      const target = port === 0 ? await freePort(host) : port;
      const socket = await this.engineImpl.listen(this.engineApp, host, target);
      if (socket) {
        this.listenSocket = socket;
        this.boundPort = socket.port;
        this.currentState = 'listening';
        trackApp(this);
        this.logger.info({ host, port: this.boundPort, engine: this.engine }, 'http server listening');
        return this.boundPort;
      }
      if (port !== 0 || attempt >= 4) {
        throw new HttpServerError('ODY_HTTP_LISTEN_FAILED', `Could not listen on ${host}:${target}; is the port in use?`, { details: { host, port: target } });
      }
    }
  }

  /**
   * Graceful stop: stop accepting, let in-flight requests finish (answered with Connection: close)
   * up to `timeoutMs`, run onClose hooks, then close every socket including idle keep-alives.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.currentState === 'closed' || this.currentState === 'draining') return this.closing;
    if (this.currentState === 'idle') {
      this.currentState = 'closed';
      return;
    }
    this.currentState = 'draining';
    this.closing = this.drain(options.timeoutMs ?? this.config.shutdownTimeoutMs);
    return this.closing;
  }

  private closing: Promise<void> = Promise.resolve();

  private async drain(timeoutMs: number): Promise<void> {
    this.listenSocket?.close();
    this.listenSocket = undefined;
    if (this.inFlight > 0) {
      this.logger.info({ inFlight: this.inFlight }, 'draining in-flight requests');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => this.idleWaiters.push(r)),
        new Promise<void>((r) => {
          timer = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (this.inFlight > 0) this.logger.warn({ inFlight: this.inFlight }, 'shutdown timeout: closing requests still in flight');
    }
    for (const hook of this.closeHooks.splice(0).reverse()) {
      try {
        await hook();
      } catch (err) {
        this.logger.error({ err }, 'http onClose hook failed');
      }
    }
    this.unsubscribe?.();
    this.forceClose();
    this.logger.info('http server closed');
  }

  /** @internal close every socket now (used by close and by worker crash handling). */
  forceClose(): void {
    this.listenSocket?.close();
    this.listenSocket = undefined;
    this.engineImpl.closeApp(this.engineApp);
    this.deadlines.stop();
    this.currentState = 'closed';
    untrackApp(this);
  }

  private mountHealth(): void {
    const path = this.config.healthPath;
    if (path === false) return;
    this.addRoute('get', path, (res) => {
      const draining = this.draining;
      res.cork(() => {
        res.writeStatus(draining ? '503 Service Unavailable' : '200 OK');
        res.writeHeader('content-type', 'application/json');
        res.end(draining ? '{"status":"draining"}' : '{"status":"ok"}', draining);
      });
    });
  }

  private mount(route: RouteRecord): void {
    const { pattern, method } = route;
    const handler = (res: HttpResponse, req: HttpRequest) => handleRequest(this, res, req, route, method);
    if (route.method === 'HEAD' || route.method === 'GET') {
      const slotKey = pattern.shape;
      const hadSlot = this.headSlots.has(slotKey);
      if (route.method === 'HEAD' || !hadSlot) this.headSlots.set(slotKey, route);
      if (!hadSlot) {
        this.addRoute('head', pattern.path, (res, req) => {
          handleRequest(this, res, req, this.headSlots.get(slotKey)!, 'HEAD');
        });
      }
      if (route.method === 'HEAD') return;
    }
    this.addRoute(methodKeys[route.method]!, pattern.path, handler);
  }
}

/** Build a server (not listening yet). Outside a plugin; inside Ody use the http plugin. */
export function createServer(options: ServerOptions = {}): OdyHttpServer {
  return new OdyHttpServer(options);
}

/** @deprecated the server is no longer uWS-only; use OdyHttpServer (or the HttpServer type). */
export const UwsHttpServer = OdyHttpServer;
/** @deprecated use OdyHttpServer. */
export type UwsHttpServer = OdyHttpServer;

export { closeAllApps };
