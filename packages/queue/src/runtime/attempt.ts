import type { ClaimedJob } from '../contract/job.js';
import { QueueError } from '../errors.js';
import type { Emitter } from '@ody/core';
import type { JobContext, Job } from './job.js';
import type { WorkerEvents } from './worker.js';

/**
 * One claimed job while its worker holds it: its state flags and the abort side of the attempt (one
 * object per job; the AbortController is only built if the handler asks for the signal).
 */
export class RunningJob {
  /** The lease was lost (renewal refused); the job may run elsewhere. */
  lost = false;
  /** The worker gave up on it at shutdown; it is left for redelivery. */
  abandoned = false;
  /** The handler is done and its ack (complete/retry/fail) is in flight; the slot is free. */
  settling = false;
  private controller: AbortController | undefined = undefined;
  private reason: unknown = undefined;
  private aborted = false;

  constructor(readonly claimed: ClaimedJob) {}

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

/** The handler's context object: one small instance per attempt, the signal built on first access. */
export class AttemptContext<T> implements JobContext {
  constructor(
    private readonly running: RunningJob,
    private readonly events: Emitter<WorkerEvents<T>>,
    private readonly job: Job<T>,
    readonly attempt: number,
  ) {}

  get signal(): AbortSignal {
    return this.running.signal;
  }

  progress(value: unknown): void {
    this.events.emit('progress', this.job, value);
  }
}

/** How an attempt ended. */
export type AttemptOutcome = { ok: true; result: unknown } | { ok: false; error: unknown; timedOut: boolean };

/** True for promises and other thenables a handler may return. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Wait for an asynchronous handler result, bounded by the job's timeout. On timeout the signal aborts
 * and the attempt resolves as failed at once, freeing the slot even if the handler ignores the signal.
 */
export function settleAttempt(pending: PromiseLike<unknown>, claimed: ClaimedJob, control: RunningJob): Promise<AttemptOutcome> {
  const settled = Promise.resolve(pending).then(
    (result): AttemptOutcome => ({ ok: true, result }),
    (error): AttemptOutcome => ({ ok: false, error, timedOut: false }),
  );
  if (claimed.timeout <= 0) return settled;
  return new Promise<AttemptOutcome>((resolve) => {
    const timer = setTimeout(() => {
      const error = new QueueError(
        'ODY_QUEUE_JOB_TIMEOUT',
        `Job ${claimed.id} (${claimed.name}) ran past its timeout of ${claimed.timeout} ms.`,
        { details: { id: claimed.id, timeout: claimed.timeout } },
      );
      control.abort(error);
      resolve({ ok: false, error, timedOut: true });
    }, claimed.timeout);
    settled.then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}
