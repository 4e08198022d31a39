import type { HttpContext } from '../context/context.js';
import { validateRequest } from '../context/validate.js';
import type { Handler, HttpMethod, RouteOptions } from '../types.js';
import type { Pipeline, Terminal } from './compose.js';
import type { RoutePattern } from './pattern.js';

/** A route as the router keeps it; `pipeline` is recomposed when middleware is added. */
export interface RouteRecord {
  readonly method: HttpMethod;
  readonly pattern: RoutePattern;
  readonly handler: Handler;
  readonly options: RouteOptions;
  /** Middleware of the enclosing groups, outermost first (live arrays). */
  readonly scopes: ReadonlyArray<{ middleware: readonly unknown[] }>;
  /** RouteOptions.maxBodyBytes, enforced by the server instead of limits.maxBodyBytes. */
  readonly maxBodyBytes: number | undefined;
  pipeline: Pipeline;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}

/** The last step of a route: validate (if schemas), run the handler, keep its result as the body. */
export function terminalFor(handler: Handler, options: RouteOptions): Terminal {
  const hasSchemas = options.params || options.query || options.body || options.headers;
  if (!hasSchemas) {
    return (ctx: HttpContext) => {
      const v = handler(ctx);
      if (isThenable(v)) {
        return v.then((r) => {
          if (r !== undefined) ctx.responseBody = r;
        });
      }
      if (v !== undefined) ctx.responseBody = v;
      return undefined;
    };
  }
  return async (ctx: HttpContext) => {
    await validateRequest(ctx, options);
    const r = await handler(ctx);
    if (r !== undefined) ctx.responseBody = r;
  };
}
