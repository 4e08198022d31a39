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

/** Builds a driver from options (the plugin passes its config section). */
export type QueueDriverFactory = (options: Record<string, unknown>) => QueueDriver | Promise<QueueDriver>;

/** True for objects that look like a QueueDriver. */
export function isQueueDriver(value: unknown): value is QueueDriver {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['push', 'claim', 'extend', 'complete', 'retry', 'fail', 'recover', 'counts', 'close'].every(
    (m) => typeof v[m] === 'function',
  );
}
