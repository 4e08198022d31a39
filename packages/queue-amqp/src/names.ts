import { createHash } from 'node:crypto';

/** The AMQP names the driver uses for one queue (all under the app's prefix). */
export interface QueueNames {
  /** The work queue (classic, durable, x-max-priority, dead-letters to `failedExchange`). */
  main: string;
  /** The failed store: a durable queue bound to `failedExchange` with routing key `main`. */
  failed: string;
  /** Exists while the queue is paused (its existence is the shared flag). */
  paused: string;
  /** Name of the TTL queue holding jobs delayed by `ttlMs` before they dead-letter back to `main`. */
  delay(ttlMs: number): string;
  /** Name of the marker queue that reserves a user's jobId while the job is live. */
  dedupe(jobId: string): string;
}

/** The dead-letter exchange shared by every queue of one prefix. */
export function failedExchange(prefix: string): string {
  return `${prefix}.failed`;
}

/** The x-delayed-message exchange shared by every queue of one prefix (used when the broker has the plugin). */
export function delayedExchange(prefix: string): string {
  return `${prefix}.delayed`;
}

/** Names for `queue` under `prefix`. */
export function queueNames(prefix: string, queue: string): QueueNames {
  const main = `${prefix}.${queue}`;
  return {
    main,
    failed: `${main}.failed`,
    paused: `${main}.paused`,
    delay: (ttlMs) => `${main}.delay.${ttlMs}`,
    dedupe: (jobId) => `${main}.id.${createHash('sha1').update(jobId).digest('base64url')}`,
  };
}

/**
 * The TTL a delay of `ms` is rounded up to: steps of 1/8 of the delay's power of two (at least 10 ms), so
 * jittered backoffs share a handful of delay queues and no job runs early (at most 12.5% or 10 ms late).
 */
export function delayBucket(ms: number): number {
  if (ms <= 0) return 0;
  const step = Math.max(10, 2 ** (Math.floor(Math.log2(ms)) - 3));
  return Math.ceil(ms / step) * step;
}

/** Map a job priority to an AMQP priority in [0, 2·max]: order kept inside [-max, max], clamped outside. */
export function amqpPriority(priority: number, max: number): number {
  return Math.min(max, Math.max(-max, priority)) + max;
}
