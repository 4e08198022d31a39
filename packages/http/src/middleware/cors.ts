import type { HttpContext } from '../context/context.js';
import type { Middleware } from '../types.js';

/** Options of cors(). */
export interface CorsOptions {
  /** Allowed origins: '*', a list, or a predicate. Default '*'. */
  origin?: '*' | string | string[] | ((origin: string, ctx: HttpContext) => boolean);
  methods?: string[];
  /** Allowed request headers; default: echo Access-Control-Request-Headers. */
  allowedHeaders?: string[];
  exposedHeaders?: string[];
  credentials?: boolean;
  /** Preflight cache, seconds. */
  maxAge?: number;
}

/**
 * CORS: sets Access-Control-* headers on responses from allowed origins and answers preflight
 * OPTIONS requests with 204 (also for paths with no OPTIONS route, when used globally).
 */
export function cors(options: CorsOptions = {}): Middleware {
  const origin = options.origin ?? '*';
  const methods = (options.methods ?? ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']).join(', ');
  const allowed = (o: string, ctx: HttpContext): string | undefined => {
    if (origin === '*') return options.credentials ? o : '*';
    if (typeof origin === 'string') return origin === o ? o : undefined;
    if (Array.isArray(origin)) return origin.includes(o) ? o : undefined;
    return origin(o, ctx) ? o : undefined;
  };
  return (ctx, next) => {
    const requestOrigin = ctx.headers.origin;
    if (requestOrigin === undefined) return next();
    const allow = allowed(requestOrigin, ctx);
    if (origin !== '*') ctx.header('vary', 'Origin', true);
    if (allow === undefined) return next();
    ctx.header('access-control-allow-origin', allow);
    if (options.credentials) ctx.header('access-control-allow-credentials', 'true');
    if (ctx.method === 'OPTIONS' && ctx.headers['access-control-request-method'] !== undefined) {
      ctx.header('access-control-allow-methods', methods);
      const reqHeaders = options.allowedHeaders?.join(', ') ?? ctx.headers['access-control-request-headers'];
      if (reqHeaders) ctx.header('access-control-allow-headers', reqHeaders);
      if (options.maxAge !== undefined) ctx.header('access-control-max-age', String(options.maxAge));
      ctx.status(204);
      return undefined;
    }
    if (options.exposedHeaders?.length) ctx.header('access-control-expose-headers', options.exposedHeaders.join(', '));
    return next();
  };
}
