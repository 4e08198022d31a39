import type { Logger } from '@ody/core';
import type { Middleware } from '../types.js';

/** Log one line per request: method, path, status, duration, request id (set by requestId()). */
export function accessLog(options: { logger: Logger; level?: 'info' | 'debug' }): Middleware {
  const level = options.level ?? 'info';
  return async (ctx, next) => {
    const start = performance.now();
    let status = 0;
    try {
      await next();
      status = ctx.responseBody === undefined && ctx.statusCode === 200 ? 204 : ctx.statusCode;
    } catch (err) {
      status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
      throw err;
    } finally {
      options.logger[level](
        { method: ctx.method, path: ctx.path, status, ms: Math.round((performance.now() - start) * 100) / 100, requestId: ctx.requestId },
        'request',
      );
    }
  };
}
