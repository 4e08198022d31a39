import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { createLogger, type Logger } from '@ody/core';
import { type HttpConfig, type HttpConfigInput, type HttpLimits, resolveHttpConfig } from '../config.js';
import type { HttpContext } from '../context/context.js';
import { type Engine, loadEngine } from '../engine.js';
import { HttpServerError } from '../errors.js';
import type { RouteRecord } from '../router/route.js';
import { HttpRouter } from '../router/router.js';
import { Deadlines } from './deadlines.js';
import { freePort } from './free-port.js';
import { closeAllApps, trackApp, untrackApp } from './registry.js';
import { handleRequest, type RequestEnv, type RequestTarget } from './request.js';

/** Where a server is in its life. */
export type ServerState = 'idle' | 'listening' | 'draining' | 'closed';

/** Options of createServer / new UwsHttpServer. */
export interface ServerOptions {
  router?: HttpRouter;
  config?: HttpConfigInput;
  logger?: Logger;
}

type UwsMethod = 'get' | 'post' | 'put' | 'patch' | 'del' | 'head' | 'options';
const uwsMethod: Record<string, UwsMethod> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'del', HEAD: 'head', OPTIONS: 'options' };

/**
 * An HTTP server on uWebSockets.js serving a router. Routes may be added before or after listen.
 * Other packages reach the same uWS app through `uws` (e.g. to add `.ws()` upgrade routes) and
 * run cleanup through `onClose`.
 * @example
 * const server = createServer({ config: { port: 3000 } });
 * server.router.get('/', () => 'hello');
 * await server.listen();
 */
export class UwsHttpServer implements RequestEnv {
  readonly router: HttpRouter;
  readonly config: HttpConfig;
  readonly logger: Logger;
  /** 'native' when the uWS binary loaded, 'fallback' when the slow JS shim is in use. */
  readonly engine: Engine;
  inFlight = 0;
  readonly limits: HttpLimits;
  readonly cookieSecret: string | undefined;
  readonly trustProxy: boolean;
  /** @internal */
  readonly shim: boolean;
  /** @internal */
  readonly deadlines: Deadlines;
  private readonly app: TemplatedApp;
  private readonly uwsModule: ReturnType<typeof loadEngine>['uws'];
  private listenSocket?: us_listen_socket;
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
    const info = loadEngine();
    this.engine = info.engine;
    this.shim = info.engine === 'fallback';
    this.uwsModule = info.uws;
    if (info.engine === 'fallback') {
      this.logger.warn(
        { engine: 'fallback', loadError: info.loadError },
        '!!! uWebSockets.js native binary did NOT load; running on its slow JS fallback shim. Fix the install (Node ABI / glibc) before measuring or deploying. !!!',
      );
    }
    this.app = info.uws.App();
  }

  /** The underlying uWS app: add `.ws()` routes here (before or after listen). */
  get uws(): TemplatedApp {
    return this.app;
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

  /** @internal */
  logError(err: unknown, ctx: HttpContext): void {
    this.logger.error({ err, method: ctx.method, path: ctx.path }, 'request handler failed');
  }

  /** Mount the routes and listen on config host/port. Resolves with the bound port. */
  listen(): Promise<number> {
    if (this.currentState !== 'idle') {
      return Promise.reject(new HttpServerError('ODY_HTTP_STATE', `Cannot listen: the server is ${this.currentState}.`));
    }
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
    this.app.any('/*', (res, req) => handleRequest(this, res, req, miss));
    return this.bind();
  }

  private async bind(): Promise<number> {
    const { host, port } = this.config;
    // Port 0: pick the port here (see free-port.ts); retry if another process takes it in between.
    for (let attempt = 0; ; attempt++) {
      const target = port === 0 ? await freePort(host) : port;
      const socket = await new Promise<us_listen_socket | false>((r) => this.app.listen(host, target, r));
      if (socket) {
        this.listenSocket = socket;
        this.boundPort = this.uwsModule.us_socket_local_port(socket);
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
    if (this.listenSocket) this.uwsModule.us_listen_socket_close(this.listenSocket);
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
    if (this.listenSocket) this.uwsModule.us_listen_socket_close(this.listenSocket);
    this.listenSocket = undefined;
    (this.app as TemplatedApp & { close?: () => void }).close?.();
    this.deadlines.stop();
    this.currentState = 'closed';
    untrackApp(this);
  }

  private mountHealth(): void {
    const path = this.config.healthPath;
    if (path === false) return;
    this.app.get(path, (res) => {
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
        this.app.head(pattern.path, (res, req) => {
          handleRequest(this, res, req, this.headSlots.get(slotKey)!, 'HEAD');
        });
      }
      if (route.method === 'HEAD') return;
    }
    this.app[uwsMethod[route.method]!](pattern.path, handler);
  }
}

/** Build a server (not listening yet). Outside a plugin; inside Ody use the http plugin. */
export function createServer(options: ServerOptions = {}): UwsHttpServer {
  return new UwsHttpServer(options);
}

export { closeAllApps };
