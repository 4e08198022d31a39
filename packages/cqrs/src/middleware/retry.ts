import { setTimeout as sleep } from 'node:timers/promises';
import { type Backoff, computeBackoffMs } from '@ody/core';
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
  /** Wait between tries: @ody/core's one `Backoff` shape, or a fixed delay in ms; default 0 (none). */
  backoff?: Backoff | number;
}

// biome-ignore lint/suspicious/noExplicitAny: see RetryOn
function isErrorClass(value: RetryOn): value is abstract new (...args: any[]) => Error {
  return typeof value === 'function' && value.prototype instanceof Error;
}

/**
 * Retry the rest of the pipeline when it fails with a declared error type (in-process; async
 * commands also get the queue's own retries).
 * @example
 * commandBus.use(retry({ on: OptimisticLockError, attempts: 5, backoff: { type: 'exponential', delayMs: 10 } }));
 */
export function retry(options: RetryOptions): BusMiddleware {
  const rules = (Array.isArray(options.on) ? options.on : [options.on]) as RetryOn[];
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoff = options.backoff ?? 0;
  const retryable = (error: unknown) =>
    rules.some((rule) => (isErrorClass(rule) ? error instanceof rule : (rule as (e: unknown) => boolean)(error)));
  return async (message, next) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(message);
      } catch (error) {
        if (attempt >= attempts || !retryable(error)) throw error;
        const waitMs = computeBackoffMs(backoff, attempt);
        if (waitMs > 0) await sleep(waitMs);
      }
    }
  };
}
