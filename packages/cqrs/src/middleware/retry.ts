import { setTimeout as sleep } from 'node:timers/promises';
import type { BusMiddleware } from './types.js';

/** An error class, or a predicate deciding whether an error is worth another try. */
// biome-ignore lint/suspicious/noExplicitAny: error classes take any constructor arguments
export type RetryOn = (abstract new (...args: any[]) => Error) | ((error: unknown) => boolean);

/** Options of the retry middleware. */
export interface RetryOptions {
  /** Which errors to retry: an error class, a list of them, or a predicate. */
  on: RetryOn | readonly RetryOn[];
  /** Total tries including the first; default 3. */
  attempts?: number;
  /** Delay before the second try in ms, doubled each time; default 0. */
  delayMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: see RetryOn
function isErrorClass(value: RetryOn): value is abstract new (...args: any[]) => Error {
  return typeof value === 'function' && value.prototype instanceof Error;
}

/**
 * Retry the rest of the pipeline when it fails with a declared error type (in-process; async
 * commands also get the queue's own retries).
 * @example
 * commandBus.use(retry({ on: OptimisticLockError, attempts: 5, delayMs: 10 }));
 */
export function retry(options: RetryOptions): BusMiddleware {
  const rules = (Array.isArray(options.on) ? options.on : [options.on]) as RetryOn[];
  const attempts = Math.max(1, options.attempts ?? 3);
  const delayMs = options.delayMs ?? 0;
  const retryable = (error: unknown) =>
    rules.some((rule) => (isErrorClass(rule) ? error instanceof rule : (rule as (e: unknown) => boolean)(error)));
  return async (message, next) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(message);
      } catch (error) {
        if (attempt >= attempts || !retryable(error)) throw error;
        if (delayMs > 0) await sleep(delayMs * 2 ** (attempt - 1));
      }
    }
  };
}
