import type { z } from '@ody/core';
import type { HttpContext } from '../context/context.js';
import { HttpServerError } from '../errors.js';
import type { HttpMethod, Middleware, RouteOptions } from '../types.js';

/** Where a controller method argument comes from. */
export type ArgSource =
  | { kind: 'param'; name?: string; schema?: z.ZodType }
  | { kind: 'query'; name?: string; schema?: z.ZodType }
  | { kind: 'body'; schema?: z.ZodType }
  | { kind: 'headers'; name?: string }
  | { kind: 'ctx' }
  | { kind: 'custom'; extract: (ctx: HttpContext) => unknown };

/** A controller method bound to a route. */
export interface ControllerRoute {
  method: HttpMethod;
  path: string;
  options: RouteOptions;
  /** Argument sources by parameter index. */
  args: ArgSource[];
}

/** Everything the decorators (or their functional twins) recorded about a controller class. */
export interface ControllerMeta {
  prefix?: string;
  middleware: Middleware[];
  routes: Map<string, ControllerRoute>;
  /** Args recorded before the route decorator ran (parameter decorators run first). */
  pendingArgs: Map<string, ArgSource[]>;
  /** Middleware added with @Use, by method name. */
  methodMiddleware: Map<string, Middleware[]>;
}

const store = new WeakMap<object, ControllerMeta>();

/** The metadata of a class, created on first use. */
export function metaOf(cls: object): ControllerMeta {
  let m = store.get(cls);
  if (m === undefined) {
    m = { middleware: [], routes: new Map(), pendingArgs: new Map(), methodMiddleware: new Map() };
    store.set(cls, m);
  }
  return m;
}

/** Metadata of a class marked as a controller, or undefined. */
export function controllerMeta(cls: object): ControllerMeta | undefined {
  const m = store.get(cls);
  return m?.prefix === undefined ? undefined : m;
}

/**
 * Functional twin of `@Controller(prefix)`: mark a class as a controller.
 * @example defineController(UsersController, '/users', { middleware: [auth] });
 */
export function defineController(cls: object, prefix = '', options: { middleware?: Middleware[] } = {}): void {
  const m = metaOf(cls);
  m.prefix = prefix;
  m.middleware.push(...(options.middleware ?? []));
}

/**
 * Functional twin of `@Get(path)` and friends: bind a method of the class to a route.
 * @example defineRoute(UsersController, 'show', 'GET', '/:id', { args: [param('id')] });
 */
export function defineRoute(
  cls: object,
  methodName: string,
  method: HttpMethod,
  path = '',
  options: RouteOptions & { args?: ArgSource[] } = {},
): void {
  const m = metaOf(cls);
  if (m.routes.has(methodName)) {
    throw new HttpServerError('ODY_HTTP_CONTROLLER_INVALID', `Method '${methodName}' already has a route; one route per method.`);
  }
  const { args, ...routeOptions } = options;
  const pending = m.pendingArgs.get(methodName) ?? [];
  m.pendingArgs.delete(methodName);
  const merged = [...pending];
  (args ?? []).forEach((a, i) => {
    merged[i] = a;
  });
  m.routes.set(methodName, { method, path, options: routeOptions, args: merged });
}

/** Functional twin of the parameter decorators: declare where argument `index` comes from. */
export function defineArg(cls: object, methodName: string, index: number, source: ArgSource): void {
  const m = metaOf(cls);
  const route = m.routes.get(methodName);
  const list = route ? route.args : (m.pendingArgs.get(methodName) ?? []);
  list[index] = source;
  if (!route) m.pendingArgs.set(methodName, list);
}

/** Argument source: a route param (all params without a name). */
export const param = (name?: string, schema?: z.ZodType): ArgSource => ({ kind: 'param', name, schema });
/** Argument source: a query value (the whole query without a name). */
export const query = (name?: string, schema?: z.ZodType): ArgSource => ({ kind: 'query', name, schema });
/** Argument source: the parsed body, validated when a schema is given. */
export const body = (schema?: z.ZodType): ArgSource => ({ kind: 'body', schema });
/** Argument source: one header, or all headers. */
export const headers = (name?: string): ArgSource => ({ kind: 'headers', name: name?.toLowerCase() });
/** Argument source: the HttpContext itself. */
export const ctx = (): ArgSource => ({ kind: 'ctx' });
