import { runInContext } from '@ody/core';
import type { ClaimedJob } from '../contract/job.js';
import { QueueError } from '../errors.js';
import type { Handler, HandlerContext, Job } from './job.js';

/** The abort side of one running attempt; the AbortController is only built if the handler asks for it. */
export class AttemptControl {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;

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

/** How an attempt ended. */
export type AttemptOutcome = { ok: true; result: unknown } | { ok: false; error: unknown; timedOut: boolean };

/**
 * Run the handler for one attempt, inside the job's context, bounded by its timeout. On timeout the
 * signal aborts and the attempt resolves as failed at once, freeing the slot even if the handler ignores it.
 */
export function runAttempt<T>(
  handler: Handler<T>,
  job: Job<T>,
  claimed: ClaimedJob,
  control: AttemptControl,
  onProgress: (value: unknown) => void,
): Promise<AttemptOutcome> {
  const ctx: HandlerContext = {
    get signal() {
      return control.signal;
    },
    attempt: job.attempt,
    progress: onProgress,
  };
  const call = (): Promise<AttemptOutcome> => {
    try {
      const value = handler(job, ctx);
      if (value instanceof Promise) {
        return value.then(
          (result) => ({ ok: true as const, result }),
          (error) => ({ ok: false as const, error, timedOut: false }),
        );
      }
      return Promise.resolve({ ok: true, result: value });
    } catch (error) {
      return Promise.resolve({ ok: false, error, timedOut: false });
    }
  };
  const run = claimed.meta?.correlationId === undefined ? call : () => runInContext({ ...claimed.meta, messageId: claimed.id }, call);
  if (claimed.timeout <= 0) return run();
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
    run().then((outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}
