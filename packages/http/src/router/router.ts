import type { Newable } from '@ody/core';
import { registerController } from '../controller/register.js';
import { HttpError, HttpServerError, NotFoundError } from '../errors.js';
import { type Handler, type HttpMethod, httpMethods, type Middleware, type RouteHandler, type RouteInfo, type RouteOptions } from '../types.js';
import { compose, type Pipeline } from './compose.js';
import { joinPath, matchPattern, parsePattern } from './pattern.js';
import { type RouteRecord, terminalFor } from './route.js';

// biome-ignore lint/suspicious/noExplicitAny: implementation signature behind the typed overloads
type AnyHandler = (ctx: any) => unknown;
/** A handler alone, or options then the handler (the implementations' signature). */
type RouteArgs = [handler: AnyHandler] | [options: RouteOptions, handler: AnyHandler];
type Listener = (route: RouteRecord) => void;

/** Shared state of a router and all its groups. */
class RouterCore {
  readonly records: RouteRecord[] = [];
  readonly keys = new Set<string>();
  readonly listeners: Listener[] = [];
  miss!: Pipeline;
  root?: RouteGroup;
  resolver: <T>(cls: Newable<T>) => T = (cls) => new cls();
}

/**
 * A set of routes under a path prefix with its own middleware. `router.group('/api', auth)` makes
 * one; groups nest. Every method has the same shape as on the router.
 */
export class RouteGroup {
  /** Middleware of this group, run for its routes (and nested groups' routes) in order. */
  readonly middleware: Middleware[] = [];

  /** @internal */
  constructor(
    protected readonly core: RouterCore,
    /** Path prefix of this group. */
    readonly prefix: string,
    private readonly chain: readonly RouteGroup[],
  ) {}

  /** Add middleware to this group; pipelines are recomposed now, not per request. */
  use(...middleware: Middleware[]): this {
    this.middleware.push(...middleware);
    recompose(this.core);
    return this;
  }

  /** A nested group: `group('/admin', requireAdmin).get('/stats', h)`. */
  group(prefix: string, ...middleware: Middleware[]): RouteGroup {
    const g = new RouteGroup(this.core, joinPath(this.prefix, prefix), [...this.chain, this]);
    g.middleware.push(...middleware);
    return g;
  }

  /** Register a route for any method. */
  route(method: HttpMethod, path: string, handler: Handler): this;
  route<O extends RouteOptions>(method: HttpMethod, path: string, options: O, handler: RouteHandler<O>): this;
  route(method: HttpMethod, path: string, ...args: RouteArgs): this {
    // A typed handler is stored untyped: validation fills ctx.valid before it runs.
    const [options, handler] = (args.length === 1 ? [{}, args[0]] : args) as [RouteOptions, Handler];
    if (!httpMethods.includes(method)) {
      throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Unknown method '${method}'; use one of ${httpMethods.join(', ')}.`);
    }
    if (typeof handler !== 'function') {
      throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Route ${method} ${path}: handler must be a function.`);
    }
    const pattern = parsePattern(joinPath(this.prefix, path));
    const key = `${method} ${pattern.shape}`;
    if (this.core.keys.has(key)) {
      throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Route ${method} ${pattern.path} is registered twice.`, {
        details: { method, path: pattern.path },
      });
    }
    this.core.keys.add(key);
    const scopes = [...this.chain, this];
    const max = options.maxBodyBytes;
    if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
      throw new HttpServerError('ODY_HTTP_ROUTE_INVALID', `Route ${method} ${pattern.path}: maxBodyBytes must be a positive integer, got ${max}.`);
    }
    const record: RouteRecord = { method, pattern, handler, options, scopes, maxBodyBytes: max, pipeline: () => undefined };
    record.pipeline = pipelineOf(record);
    this.core.records.push(record);
    for (const l of this.core.listeners) l(record);
    return this;
  }

  /** GET route (also answers HEAD unless a HEAD route exists). */
  get(path: string, handler: Handler): this;
  get<O extends RouteOptions>(path: string, options: O, handler: RouteHandler<O>): this;
  get(path: string, ...args: RouteArgs): this {
    return this.route('GET', path, ...(args as [RouteOptions, AnyHandler]));
  }
  /** POST route. */
  post(path: string, handler: Handler): this;
  post<O extends RouteOptions>(path: string, options: O, handler: RouteHandler<O>): this;
  post(path: string, ...args: RouteArgs): this {
    return this.route('POST', path, ...(args as [RouteOptions, AnyHandler]));
  }
  /** PUT route. */
  put(path: string, handler: Handler): this;
  put<O extends RouteOptions>(path: string, options: O, handler: RouteHandler<O>): this;
  put(path: string, ...args: RouteArgs): this {
    return this.route('PUT', path, ...(args as [RouteOptions, AnyHandler]));
  }
  /** PATCH route. */
  patch(path: string, handler: Handler): this;
  patch<O extends RouteOptions>(path: string, options: O, handler: RouteHandler<O>): this;
  patch(path: string, ...args: RouteArgs): this {
    return this.route('PATCH', path, ...(args as [RouteOptions, AnyHandler]));
  }
  /** DELETE route. */
  delete(path: string, handler: Handler): this;
  delete<O extends RouteOptions>(path: string, options: O, handler: RouteHandler<O>): this;
  delete(path: string, ...args: RouteArgs): this {
    return this.route('DELETE', path, ...(args as [RouteOptions, AnyHandler]));
  }
  /** HEAD route (overrides the automatic HEAD of a GET route). */
  head(path: string, handler: Handler): this;
  head<O extends RouteOptions>(path: string, options: O, handler: RouteHandler<O>): this;
  head(path: string, ...args: RouteArgs): this {
    return this.route('HEAD', path, ...(args as [RouteOptions, AnyHandler]));
  }
  /** OPTIONS route. */
  options(path: string, handler: Handler): this;
  options<O extends RouteOptions>(path: string, options: O, handler: RouteHandler<O>): this;
  options(path: string, ...args: RouteArgs): this {
    return this.route('OPTIONS', path, ...(args as [RouteOptions, AnyHandler]));
  }

  /** Register a decorated controller class, resolved through the DI container when there is one. */
  controller(cls: Newable<object>): this {
    registerController(this, cls, this.core.resolver);
    return this;
  }
}

function pipelineOf(record: RouteRecord): Pipeline {
  const mw: Middleware[] = [];
  for (const s of record.scopes) mw.push(...(s.middleware as Middleware[]));
  if (record.options.middleware) mw.push(...record.options.middleware);
  return compose(mw, terminalFor(record.handler, record.options));
}

function recompose(core: RouterCore): void {
  for (const r of core.records) r.pipeline = pipelineOf(r);
  core.miss = missPipeline(core);
}

function missPipeline(core: RouterCore): Pipeline {
  return compose(core.root?.middleware ?? [], (ctx) => {
    const allowed = allowedMethods(core, ctx.path);
    if (allowed.length === 0) throw new NotFoundError(`No route matches ${ctx.method} ${ctx.path}.`);
    throw new HttpError(405, 'ODY_HTTP_METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allowed.join(', ')}.`, {
      headers: { allow: allowed.join(', ') },
      details: { allowed },
    });
  });
}

function allowedMethods(core: RouterCore, path: string): string[] {
  const set = new Set<string>();
  for (const r of core.records) if (matchPattern(r.pattern, path)) set.add(r.method);
  if (set.has('GET')) set.add('HEAD');
  return httpMethods.filter((m) => set.has(m));
}

/**
 * The application's routes. Add routes and middleware before or after the server listens; the
 * server mounts each route on uWS as it arrives. Middleware added with `use` applies to every route.
 * @example
 * router.use(requestId());
 * router.get('/users/:id', (ctx) => ({ id: ctx.params.id }));
 * const api = router.group('/api', auth); api.post('/orders', { body: OrderSchema }, create);
 */
export class HttpRouter extends RouteGroup {
  constructor() {
    const core = new RouterCore();
    super(core, '/', []);
    core.root = this;
    core.miss = missPipeline(core);
  }

  /** Every registered route, in registration order. */
  routes(): RouteInfo[] {
    return this.core.records.map((r) => ({
      method: r.method,
      path: r.pattern.path,
      ...(r.options.name ? { name: r.options.name } : {}),
      middleware: r.scopes.reduce((n, s) => n + s.middleware.length, 0) + (r.options.middleware?.length ?? 0),
    }));
  }

  /** How controller classes are instantiated (the http plugin sets the DI container's resolve). */
  setResolver(resolve: <T>(cls: Newable<T>) => T): void {
    this.core.resolver = resolve;
  }

  /** @internal the server subscribes here: existing routes are replayed, then each new one. */
  subscribe(listener: Listener): () => void {
    for (const r of this.core.records) listener(r);
    this.core.listeners.push(listener);
    return () => {
      const i = this.core.listeners.indexOf(listener);
      if (i >= 0) this.core.listeners.splice(i, 1);
    };
  }

  /** @internal pipeline for requests no route matched: global middleware, then 404 or 405. */
  get missPipeline(): Pipeline {
    return this.core.miss;
  }

  /** @internal whether a route exists for this method and exact shape. */
  hasRoute(method: HttpMethod, path: string): boolean {
    return this.core.keys.has(`${method} ${parsePattern(path).shape}`);
  }
}
