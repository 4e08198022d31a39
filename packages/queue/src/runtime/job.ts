import type { ClaimedJob } from '../contract/job.js';

/** A job as a handler sees it. */
export interface Job<T = unknown> {
  readonly id: string;
  readonly name: string;
  readonly queue: string;
  /** Decoded payload. */
  readonly data: T;
  /** 1-based number of this attempt (stalls do not count). */
  readonly attempt: number;
  /** Attempts that already failed. */
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  /** Times this job was redelivered after a worker lost its lease. */
  readonly stalls: number;
  readonly priority: number;
  readonly createdAt: number;
  /** Correlation / causation ids captured at push. */
  readonly meta: Readonly<Record<string, string>>;
}

/** What a handler receives beside the job. */
export interface JobContext {
  /** Aborts on timeout, on lost lease and when the worker gives up on it at shutdown. */
  readonly signal: AbortSignal;
  /** Same as job.attempt. */
  readonly attempt: number;
  /** Report progress; emitted as the worker's 'progress' event. */
  progress(value: unknown): void;
}

/** The function a Worker runs for each job; its resolved value is the job's result. */
export type JobHandler<T = unknown, R = unknown> = (job: Job<T>, ctx: JobContext) => R | Promise<R>;

const EMPTY_META: Readonly<Record<string, string>> = Object.freeze({});

/** Build the handler's view of a claimed job. */
export function toJob<T>(queue: string, claimed: ClaimedJob, data: T): Job<T> {
  return {
    id: claimed.id,
    name: claimed.name,
    queue,
    data,
    attempt: claimed.attemptsMade + 1,
    attemptsMade: claimed.attemptsMade,
    maxAttempts: claimed.attempts,
    stalls: claimed.stalls,
    priority: claimed.priority,
    createdAt: claimed.createdAt,
    meta: claimed.meta ?? EMPTY_META,
  };
}
