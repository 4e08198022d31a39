import { QueueError } from '../errors.js';
import type { QueueWorkerOptions } from './worker.js';

/** Worker options with defaults applied. */
export interface ResolvedWorkerOptions {
  concurrency: number;
  leaseMs: number;
  maxStalls: number;
  waitMs: number;
  recoverIntervalMs: number;
  autorun: boolean;
}

function check(queue: string, key: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `Worker of queue '${queue}': ${key} must be an integer ≥ ${min}, got ${value}.`, {
      details: { queue, [key]: value },
    });
  }
  return value;
}

/** Validate Worker options and fill defaults. */
export function checkWorkerOptions(queue: string, o: QueueWorkerOptions): ResolvedWorkerOptions {
  const leaseMs = check(queue, 'leaseMs', o.leaseMs ?? 30_000, 50);
  return {
    concurrency: check(queue, 'concurrency', o.concurrency ?? 1, 1),
    leaseMs,
    maxStalls: check(queue, 'maxStalls', o.maxStalls ?? 1, 0),
    waitMs: check(queue, 'waitMs', o.waitMs ?? 5_000, 0),
    recoverIntervalMs: check(queue, 'recoverIntervalMs', o.recoverIntervalMs ?? Math.max(25, Math.floor(leaseMs / 2)), 10),
    autorun: o.autorun ?? true,
  };
}
