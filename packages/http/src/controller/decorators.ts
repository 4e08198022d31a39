import type { z } from '@ody/core';
import { injectable } from '@ody/core';
import type { HttpMethod, Middleware, RouteOptions } from '../types.js';
import { type ArgSource, body, ctx, defineArg, defineController, defineRoute, headers, metaOf, param, query } from './metadata.js';

type ClassDecorator = <T extends abstract new (...args: never[]) => unknown>(cls: T) => void;
type MethodDecorator = (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => void;
type ParamDecorator = (target: object, key: string | symbol | undefined, index: number) => void;

function makeInjectable(cls: object): void {
  try {
    injectable()(cls as never);
  } catch {
    // already @injectable
  }
}

/**
 * Mark a class as a controller under `prefix`; it is resolved from the DI container (constructor
 * dependencies need `@inject(Token)`). Twin: `defineController`.
 * @example
 * @Controller('/users') class Users { constructor(@inject(Repo) private repo: Repo) {} @Get('/:id') show(@Param('id') id: string) { return this.repo.find(id); } }
 */
export function Controller(prefix = '', options: { middleware?: Middleware[] } = {}): ClassDecorator {
  return (cls) => {
    defineController(cls, prefix, options);
    makeInjectable(cls);
  };
}

function route(method: HttpMethod) {
  return (path = '', options: RouteOptions = {}): MethodDecorator =>
    (target, key) => {
      defineRoute(target.constructor, String(key), method, path, options);
    };
}

/** GET route on a controller method. Twin: `defineRoute(cls, name, 'GET', path)` / `router.get`. */
export const Get = route('GET');
/** POST route on a controller method. */
export const Post = route('POST');
/** PUT route on a controller method. */
export const Put = route('PUT');
/** PATCH route on a controller method. */
export const Patch = route('PATCH');
/** DELETE route on a controller method. */
export const Delete = route('DELETE');
/** HEAD route on a controller method. */
export const Head = route('HEAD');
/** OPTIONS route on a controller method. */
export const Options = route('OPTIONS');

/** Middleware for one controller method (decorator order does not matter). Twin: `defineRoute(..., { middleware })`. */
export function Use(...middleware: Middleware[]): MethodDecorator {
  return (target, key) => {
    const m = metaOf(target.constructor);
    const name = String(key);
    m.methodMiddleware.set(name, [...(m.methodMiddleware.get(name) ?? []), ...middleware]);
  };
}

function arg(source: ArgSource): ParamDecorator {
  return (target, key, index) => {
    defineArg(target.constructor, String(key), index, source);
  };
}

/** Inject a route param (`@Param('id')`), or all params (`@Param()`); optional schema. Twin: `param()`. */
export const Param = (name?: string, schema?: z.ZodType): ParamDecorator => arg(param(name, schema));
/**
 * Inject a query value (`@QueryParam('page')`), or the whole query (`@QueryParam()`); optional schema.
 * Twin: `query()`. (Named so it never meets @ody/cqrs's `Query` message base in one import.)
 */
export const QueryParam = (name?: string, schema?: z.ZodType): ParamDecorator => arg(query(name, schema));
/** Inject the parsed body; with a schema, 400 problem+json lists every bad field. Twin: `body()`. */
export const Body = (schema?: z.ZodType): ParamDecorator => arg(body(schema));
/** Inject one header or all headers. Twin: `headers()`. */
export const Headers = (name?: string): ParamDecorator => arg(headers(name));
/** Inject the HttpContext. Twin: `ctx()`. */
export const Ctx = (): ParamDecorator => arg(ctx());
