import type { Logger } from '@ody/core';
import type { BusMiddleware } from './types.js';

/** Options of the logging middleware. */
export interface LoggingOptions {
  /** Level of the success line; failures log at `error`. Default 'debug'. */
  level?: 'trace' | 'debug' | 'info';
}

/**
 * Log each message with its handler and duration in ms; failures at `error` with the error.
 * @example
 * commandBus.use(logging(app.logger, { level: 'info' }));
 */
export function logging(logger: Logger, options: LoggingOptions = {}): BusMiddleware {
  const level = options.level ?? 'debug';
  return async (message, next, info) => {
    const started = performance.now();
    try {
      const result = await next(message);
      if (logger.isLevelEnabled(level)) {
        logger[level]({ kind: info.kind, message: info.name, handler: info.handler, ms: performance.now() - started }, `${info.kind} handled`);
      }
      return result;
    } catch (err) {
      logger.error({ kind: info.kind, message: info.name, handler: info.handler, ms: performance.now() - started, err }, `${info.kind} failed`);
      throw err;
    }
  };
}
