import type { z } from '@ody/core';
import type { ClaimedJob, FailedJobRecord, FailReason, JobCounts, JobError, NewJob, PushResult } from './job.js';

/** Options of one claim. */
export interface ClaimOptions {
  /** Claim at most this many jobs (≥ 1). */
  max: number;
  /** Lease (visibility timeout) in ms; a job not completed/extended by then may be redelivered. */
  leaseMs: number;
  /**
   * When nothing is ready, wait up to this many ms for a job (without busy polling) before
   * resolving with []. 0 = return at once.
   */
  waitMs: number;
  /** Aborting it ends a wait early with []. */
  signal?: AbortSignal;
}

/** What a recovery pass did. */
export interface RecoverResult {
  /** Ids put back to ready because their lease expired (stall count + 1). */
  stalled: string[];
  /** Ids moved to the failed store because they stalled more than maxStalls times. */
  failed: string[];
}

/** Options of a failed-store listing. */
export interface ListOptions {
  offset?: number;
  limit?: number;
}

/**
 * What a queue driver implements. Every method is scoped by queue name; a driver serves many
 * queues. All state changes that take a job check its lease token and return false when the
 * lease is no longer held (the job was reclaimed and may run elsewhere); they never throw for that.
 * See README "Writing a driver" and run `@ody/queue/testing` against your driver.
 */
export interface QueueDriver {
  /** Short name for logs ('memory', 'filesystem', 'redis'). */
  readonly name: string;
  /** Store jobs atomically per job; a dedupe job whose id is live is skipped (added: false). */
  push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]>;
  /** Lease up to `max` ready jobs, highest priority first, FIFO within a priority; promotes due delayed jobs. */
  claim(queue: string, options: ClaimOptions): Promise<ClaimedJob[]>;
  /** Extend the leases of running jobs; result[i] is false when jobs[i]'s lease was lost. */
  extend(queue: string, jobs: readonly ClaimedJob[], leaseMs: number): Promise<boolean[]>;
  /** Acknowledge success: the job leaves the queue, `completed` count + 1. */
  complete(queue: string, job: ClaimedJob): Promise<boolean>;
  /** Schedule another attempt at `runAt`; attemptsMade becomes `error.attempt`; `error` is kept. */
  retry(queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean>;
  /** Move to the failed store; attemptsMade becomes `error.attempt`; keeps every error (this one last). */
  fail(queue: string, job: ClaimedJob, reason: FailReason, error: JobError): Promise<boolean>;
  /** Put jobs whose lease expired back to ready (stalls + 1), or to failed ('stalled') past maxStalls. */
  recover(queue: string, maxStalls: number): Promise<RecoverResult>;
  /** Stop handing out jobs of this queue to every worker on this driver's store. */
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  isPaused(queue: string): Promise<boolean>;
  counts(queue: string): Promise<JobCounts>;
  /**
   * Optional: when the oldest waiting (ready) job became due (ms epoch), undefined when none waits.
   * Metrics read it at scrape time (`ody_queue_oldest_waiting_age_seconds`); drivers without it report no age.
   */
  oldestWaitingAt?(queue: string): Promise<number | undefined>;
  /** Failed store, oldest first. */
  listFailed(queue: string, options?: ListOptions): Promise<FailedJobRecord[]>;
  getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined>;
  /** Move failed jobs (all when ids is undefined) back to ready with attempts and stalls reset; returns how many. */
  retryFailed(queue: string, ids?: readonly string[]): Promise<number>;
  /** Delete failed jobs (all when ids is undefined); returns how many. */
  purgeFailed(queue: string, ids?: readonly string[]): Promise<number>;
  /** Release resources (watchers, timers, connections). Idempotent. */
  close(): Promise<void>;
}

/** The queue plugin's resolved settings, handed to a driver factory beside its own section. */
export interface QueueFactorySettings {
  /** Worker lease (e.g. to size a recovery lock). */
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly maxStalls: number;
  /** The filesystem driver's directory and fsync setting. */
  readonly dir: string;
  readonly durable: boolean;
}

/**
 * Builds a driver by name for `queuePlugin({ drivers: { <name>: factory } })`. It gets its own config
 * section `queue.<name>` (validated by `configSchema`) and the plugin's settings. Build one with
 * `defineDriverFactory`.
 */
export interface QueueDriverFactory {
  (options: Record<string, unknown>, settings: QueueFactorySettings): QueueDriver | Promise<QueueDriver>;
  /**
   * Schema of the section `queue.<name>` (env `ODY_QUEUE_<NAME>_<KEY>`): its keys are checked like every
   * config key (an unknown one fails start with a "did you mean"). Without it the section passes unchecked.
   * Keep every key optional, nested objects' keys too: the section exists (empty) whether or not the
   * driver is picked; nested objects nobody set reach the factory absent.
   */
  readonly configSchema?: z.ZodType<Record<string, unknown>>;
}

/**
 * A driver factory whose config section `queue.<name>` is declared by `configSchema` (a zod object).
 * @example
 * export const fooDriverFactory = defineDriverFactory(z.object({ url: z.string().optional() }), (o) => fooDriver(o));
 * queuePlugin({ drivers: { foo: fooDriverFactory } }); // config queue.foo.url, env ODY_QUEUE_FOO_URL
 */
export function defineDriverFactory<S extends z.ZodType<Record<string, unknown>>>(
  configSchema: S,
  create: (options: z.output<S>, settings: QueueFactorySettings) => QueueDriver | Promise<QueueDriver>,
): QueueDriverFactory {
  const factory = (options: Record<string, unknown>, settings: QueueFactorySettings) => create(options as z.output<S>, settings);
  return Object.assign(factory, { configSchema });
}

/** True for objects that look like a QueueDriver. */
export function isQueueDriver(value: unknown): value is QueueDriver {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['push', 'claim', 'extend', 'complete', 'retry', 'fail', 'recover', 'counts', 'close'].every(
    (m) => typeof v[m] === 'function',
  );
}
