import { computeBackoffMs } from '@ody/core';
import { QueueError } from '../errors.js';
import type { BackoffSpec, JobBackoff, JobError } from './job.js';

/** A custom backoff: ms to wait before attempt `attemptsMade + 1`, given the last error. */
export type BackoffStrategy = (attemptsMade: number, error: JobError) => number;

/** Normalise the `backoff` push option into the form drivers store. */
export function toBackoffSpec(value: number | JobBackoff | undefined): BackoffSpec {
  if (value === undefined) return { type: 'fixed', delay: 0 };
  if (typeof value === 'number') return { type: 'fixed', delay: value };
  switch (value.type) {
    case 'fixed':
      return { type: 'fixed', delay: value.delayMs };
    case 'exponential': {
      const spec: BackoffSpec = { type: 'exponential', delay: value.delayMs };
      if (value.factor !== undefined) spec.factor = value.factor;
      if (value.jitter !== undefined) spec.jitter = value.jitter;
      if (value.maxDelayMs !== undefined) spec.maxDelay = value.maxDelayMs;
      return spec;
    }
    default:
      return value as BackoffSpec;
  }
}

/**
 * Delay before the next attempt, by core's Backoff rule (computeBackoffMs): exponential is
 * delay·factor^(n-1) (factor 2), capped by maxDelay, minus up to `jitter` (0..1, default 0) of it at random.
 */
export function backoffDelay(
  spec: BackoffSpec,
  attemptsMade: number,
  error: JobError,
  strategies: Readonly<Record<string, BackoffStrategy>> = {},
  random: () => number = Math.random,
): number {
  switch (spec.type) {
    case 'fixed':
      return spec.delay;
    case 'exponential':
      return computeBackoffMs(
        {
          type: 'exponential',
          delayMs: spec.delay,
          ...(spec.factor === undefined ? {} : { factor: spec.factor }),
          ...(spec.maxDelay === undefined ? {} : { maxDelayMs: spec.maxDelay }),
          ...(spec.jitter === undefined ? {} : { jitter: spec.jitter }),
        },
        attemptsMade,
        random,
      );
    case 'custom': {
      const strategy = strategies[spec.name];
      if (strategy === undefined) {
        throw new QueueError(
          'ODY_QUEUE_OPTIONS_INVALID',
          `Backoff strategy '${spec.name}' is not registered on this worker; pass it in backoffStrategies.`,
          { details: { strategy: spec.name, known: Object.keys(strategies) } },
        );
      }
      return Math.max(0, strategy(attemptsMade, error));
    }
  }
}
