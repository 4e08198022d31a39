import type { Newable } from '@ody/core';
import type { HttpContext } from '../context/context.js';
import { validateValue } from '../context/validate.js';
import { HttpServerError, ValidationError } from '../errors.js';
import type { RouteGroup } from '../router/router.js';
import type { Handler, RouteOptions } from '../types.js';
import { type ArgSource, controllerMeta } from './metadata.js';

type Extract = (ctx: HttpContext) => unknown;
interface Extractor {
  fn: Extract;
  /** Reads the body: the handler becomes async. */
  async: boolean;
}

const sync = (fn: Extract): Extractor => ({ fn, async: false });

function extractorFor(source: ArgSource | undefined, options: RouteOptions, where: string): Extractor {
  if (source === undefined) {
    throw new HttpServerError('ODY_HTTP_CONTROLLER_INVALID', `${where}: a parameter has no decorator (@Param, @QueryParam, @Body, @Headers, @Ctx).`);
  }
  switch (source.kind) {
    case 'ctx':
      return sync((ctx) => ctx);
    case 'custom':
      return sync(source.extract);
    case 'headers': {
      const name = source.name;
      return sync(name === undefined ? (ctx) => ctx.headers : (ctx) => ctx.headers[name]);
    }
    case 'body':
      if (source.schema !== undefined) {
        options.body = source.schema; // validated with the other schemas before the handler runs
        return sync((ctx) => ctx.valid.body);
      }
      return { fn: (ctx) => ctx.body.parsed(), async: true };
    case 'param':
    case 'query': {
      const { name, schema, kind } = source;
      const location = kind === 'param' ? 'params' : 'query';
      const read = (ctx: HttpContext) => (kind === 'param' ? ctx.params : ctx.query) as Record<string, unknown>;
      if (name === undefined) return sync(schema === undefined ? read : (ctx) => validateValue(location, schema, read(ctx)));
      if (schema === undefined) return sync(kind === 'param' ? (ctx) => ctx.params[name] : (ctx) => ctx.query[name]);
      return sync((ctx) => {
        const r = schema.safeParse(read(ctx)[name]);
        if (r.success) return r.data;
        throw new ValidationError(
          r.error.issues.map((i) => ({ location, path: [name, ...i.path.map(String)].join('.'), message: i.message })),
        );
      });
    }
  }
}

function handlerFor(instance: Record<string, (...a: unknown[]) => unknown>, method: string, extractors: Extractor[]): Handler {
  const fn = instance[method]!;
  const extract = extractors.map((e) => e.fn);
  if (extract.length === 0) return (ctx) => fn.call(instance, ctx);
  if (extractors.some((e) => e.async)) {
    if (extract.length === 1) {
      const e0 = extract[0]!; // e.g. `echo(@Body() body)`: one promise hop, no async wrapper
      return (ctx) => (e0(ctx) as Promise<unknown>).then((a) => fn.call(instance, a));
    }
    return async (ctx) => {
      const args: unknown[] = [];
      for (const e of extract) args.push(await e(ctx));
      return fn.apply(instance, args);
    };
  }
  if (extract.length === 1) {
    const e0 = extract[0]!;
    return (ctx) => fn.call(instance, e0(ctx));
  }
  return (ctx) => fn.apply(instance, extract.map((e) => e(ctx)));
}

/**
 * Register a controller class on a router group: one instance (resolved through `resolve`, i.e. the
 * DI container), one route per decorated method, argument extractors built once here.
 */
export function registerController(group: RouteGroup, cls: Newable<object>, resolve: <T>(c: Newable<T>) => T): void {
  const meta = controllerMeta(cls);
  if (meta === undefined) {
    throw new HttpServerError('ODY_HTTP_CONTROLLER_INVALID', `${cls.name} is not a controller: add @Controller() or call defineController().`);
  }
  const instance = resolve(cls) as Record<string, (...a: unknown[]) => unknown>;
  const g = group.group(meta.prefix ?? '', ...meta.middleware);
  for (const [name, route] of meta.routes) {
    if (typeof instance[name] !== 'function') {
      throw new HttpServerError('ODY_HTTP_CONTROLLER_INVALID', `${cls.name}.${name} is not a method.`);
    }
    const options: RouteOptions = { name: `${cls.name}.${name}`, ...route.options };
    const extra = meta.methodMiddleware.get(name);
    if (extra) options.middleware = [...(options.middleware ?? []), ...extra];
    const args = Array.from({ length: route.args.length }, (_, i) => route.args[i]);
    const extract = args.map((a) => extractorFor(a, options, `${cls.name}.${name}`));
    g.route(route.method, route.path, options, handlerFor(instance, name, extract));
  }
}
