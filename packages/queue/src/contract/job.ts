import type { Backoff } from '@ody/core';

/** Encoded payload as a codec produces it and a driver stores it. */
export type Encoded = string | Uint8Array;

/**
 * How long to wait between attempts, as a push option: core's `Backoff` (durations in ms), or a
 * strategy registered on the Worker under `name` (option `backoffStrategies`).
 * @example { type: 'exponential', delayMs: 500, maxDelayMs: 60_000, jitter: 0.2 }
 */
export type JobBackoff = Backoff | { type: 'custom'; name: string };

/** The backoff as drivers store it with a job (driver contract; users pass a JobBackoff). */
export type BackoffSpec =
  | { type: 'fixed'; delay: number }
  | { type: 'exponential'; delay: number; factor?: number; jitter?: number; maxDelay?: number }
  /** A strategy registered on the Worker under `name` (option `backoffStrategies`). */
  | { type: 'custom'; name: string };

/** Options of one push. */
export interface PushOptions {
  /** Milliseconds to wait before the job becomes ready. Default 0. */
  delayMs?: number;
  /** Higher runs first; integer in [-999999, 999999]; FIFO within a priority. Default 0. */
  priority?: number;
  /** Your id; a job with this id already waiting, delayed or running is not enqueued twice. */
  jobId?: string;
  /** Total attempts before the job goes to the failed store. Default 1 (no retries). */
  attempts?: number;
  /** Delay between attempts: milliseconds (fixed) or a JobBackoff. Default fixed 0. */
  backoff?: number | JobBackoff;
  /** Milliseconds an attempt may run; its signal aborts then and the attempt fails. 0 = none (default). */
  timeoutMs?: number;
}

/** A job as handed to a driver by `Queue.push` (already validated and encoded). */
export interface NewJob {
  /** Job id: the user's jobId or a generated one. */
  id: string;
  /** True when `id` came from the user (the driver dedupes on it). */
  dedupe: boolean;
  /** Job name (what kind of work). */
  name: string;
  /** Encoded payload. */
  data: Encoded;
  priority: number;
  /** Epoch ms at which the job becomes ready (≤ now: ready at once). */
  runAt: number;
  /** Maximum attempts (≥ 1). */
  attempts: number;
  backoff: BackoffSpec;
  /** Attempt timeout in ms; 0 = none. */
  timeout: number;
  /** Epoch ms of the push. */
  createdAt: number;
  /** Small string map carried with the job (correlation id, causation id). */
  meta?: Record<string, string>;
}

/** One attempt's error, kept with the job. */
export interface JobError {
  /** 1-based attempt number that produced it. */
  attempt: number;
  name: string;
  message: string;
  code?: string;
  stack?: string;
  /** Epoch ms. */
  at: number;
}

/** Why a job ended in the failed store. */
export type FailReason = 'error' | 'unrecoverable' | 'timeout' | 'stalled' | 'undecodable' | 'corrupt';

/** A job as a driver hands it to a worker after a claim. */
export interface ClaimedJob extends Omit<NewJob, 'data' | 'dedupe'> {
  /** Encoded payload; undefined when the driver could not read the record (see `corrupt`). */
  data: Encoded | undefined;
  /** Attempts that already failed (0 on first delivery). The current attempt is attemptsMade + 1. */
  attemptsMade: number;
  /** Times the job was redelivered because a worker lost its lease. */
  stalls: number;
  /** Opaque lease token; pass the job back to complete/retry/fail/extend. */
  lease: string;
  /** Set when the stored record is unreadable: the worker fails the job at once with this reason. */
  corrupt?: string;
  /** Whether the id came from the user (drivers keep dedupe markers for these). */
  dedupe: boolean;
}

/** A job in the failed store. */
export interface FailedJobRecord extends Omit<ClaimedJob, 'lease' | 'corrupt'> {
  reason: FailReason;
  /** Every attempt's error, oldest first; the last one is why it failed. */
  errors: JobError[];
  /** Epoch ms. */
  failedAt: number;
}

/** Job counts by state. */
export interface JobCounts {
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
}

/** What one push did. */
export interface PushResult {
  id: string;
  /** False when a job with the same jobId was already waiting, delayed or running. */
  added: boolean;
}
