import { runInContext } from '@ody/core';
import { type BackoffStrategy, backoffDelay } from '../contract/backoff.js';
import { type InlineOps, inlineOps } from '../contract/inline.js';
import type { ClaimedJob, FailReason, JobError } from '../contract/job.js';
import { isUnrecoverable, QueueError } from '../errors.js';
import { AttemptContext, isThenable, type RunningJob, settleAttempt } from './attempt.js';
import type { Emitter } from '@ody/core';
import { type JobHandler, type Job, toJob } from './job.js';
import { toJobError } from './job-error.js';
import { queueInstrumentation } from './instrumentation.js';
import type { Queue } from './queue.js';
import type { WorkerEvents } from './worker.js';

/**
 * Runs one claimed job to its end state: completed, retried (with backoff) or failed. A handler that
 * returns synchronously on a driver with inline operations (memory) finishes without any promise.
 */
export class JobRunner<T> {
  private readonly inline: InlineOps | undefined;

  constructor(
    private readonly queue: Queue<T>,
    private readonly handler: JobHandler<T>,
    private readonly events: Emitter<WorkerEvents<T>>,
    private readonly strategies: Readonly<Record<string, BackoffStrategy>>,
    /** Called once the handler is done and the job's end-state call is issued: frees the slot. */
    private readonly release: (running: RunningJob) => void,
  ) {
    this.inline = inlineOps(queue.driver);
  }

  /** Run one job; returns undefined when it already reached its end state, else a promise of it. */
  process(running: RunningJob): Promise<void> | undefined {
    const { claimed } = running;
    const attempt = claimed.attemptsMade + 1;
    if (claimed.corrupt !== undefined || claimed.data === undefined) {
      const error = new QueueError('ODY_QUEUE_JOB_CORRUPT', `Job ${claimed.id} on queue '${this.queue.name}' is unreadable: ${claimed.corrupt ?? 'no data'}.`);
      return this.fail(running, undefined, 'corrupt', toJobError(error, attempt));
    }
    let data: T;
    try {
      data = this.queue.codec.decode(claimed.data) as T;
    } catch (cause) {
      const error = new QueueError(
        'ODY_QUEUE_PAYLOAD_UNDECODABLE',
        `Job ${claimed.id} (${claimed.name}) on queue '${this.queue.name}': codec '${this.queue.codec.name}' could not decode the payload (${(cause as Error).message}).`,
        { cause },
      );
      return this.fail(running, undefined, 'undecodable', toJobError(error, attempt));
    }
    const job = toJob(this.queue.name, claimed, data);
    if (this.events.listenerCount('active') > 0) this.events.emit('active', job);
    const ctx = new AttemptContext(running, this.events, job, attempt);
    let value: unknown;
    try {
      const hooks = queueInstrumentation();
      value = hooks?.run === undefined
        ? this.call(claimed, job, ctx)
        : hooks.run(this.queue.name, this.queue.driver.name, claimed, () => this.call(claimed, job, ctx));
    } catch (error) {
      return this.failed(running, job, error, false);
    }
    if (!isThenable(value)) return this.succeeded(running, job, value);
    return settleAttempt(value, claimed, running).then((o) =>
      o.ok ? this.succeeded(running, job, o.result) : this.failed(running, job, o.error, o.timedOut),
    );
  }

  private call(claimed: ClaimedJob, job: Job<T>, ctx: AttemptContext<T>): unknown {
    return claimed.meta?.correlationId === undefined
      ? this.handler(job, ctx)
      : runInContext({ ...claimed.meta, messageId: claimed.id }, () => this.handler(job, ctx));
  }

  private succeeded(running: RunningJob, job: Job<T>, result: unknown): Promise<void> | undefined {
    if (running.lost || running.abandoned) return undefined;
    if (this.inline !== undefined) {
      if (this.inline.complete(this.queue.name, running.claimed) && this.events.listenerCount('completed') > 0) this.events.emit('completed', job, result);
      return undefined;
    }
    const acked = this.queue.driver.complete(this.queue.name, running.claimed);
    this.release(running);
    return acked.then((ok) => {
      // Emitted only once the ack landed; a refused or failed ack leaves the job for redelivery.
      if (ok && this.events.listenerCount('completed') > 0) this.events.emit('completed', job, result);
    });
  }

  private async failed(running: RunningJob, job: Job<T>, thrown: unknown, timedOut: boolean): Promise<void> {
    if (running.lost || running.abandoned) return;
    const { claimed } = running;
    const attempt = claimed.attemptsMade + 1;
    const error = toJobError(thrown, attempt);
    if (isUnrecoverable(thrown)) return this.fail(running, job, 'unrecoverable', error);
    if (attempt >= claimed.attempts) return this.fail(running, job, timedOut ? 'timeout' : 'error', error);
    let delay: number;
    try {
      delay = backoffDelay(claimed.backoff, attempt, error, this.strategies);
    } catch (err) {
      this.events.emit('error', err);
      return this.fail(running, job, 'error', error);
    }
    const moved = this.queue.driver.retry(this.queue.name, claimed, Date.now() + delay, error);
    this.release(running);
    if (await moved) {
      this.events.emit('retrying', job, error, delay);
    }
  }

  private async fail(running: RunningJob, job: Job<T> | undefined, reason: FailReason, error: JobError): Promise<void> {
    const moved = this.queue.driver.fail(this.queue.name, running.claimed, reason, error);
    this.release(running);
    if (await moved) {
      this.events.emit('failed', job, error, reason, running.claimed.id);
    }
  }
}

export type { ClaimedJob };
