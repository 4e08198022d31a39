import { type BackoffStrategy, backoffDelay } from '../contract/backoff.js';
import type { ClaimedJob, FailReason, JobError } from '../contract/job.js';
import { isUnrecoverable, QueueError } from '../errors.js';
import { runAttempt } from './attempt.js';
import type { Emitter } from './emitter.js';
import { type Handler, type Job, toJob } from './job.js';
import { toJobError } from './job-error.js';
import type { Queue } from './queue.js';
import type { RunningJob, WorkerEvents } from './worker.js';

/** Runs one claimed job to its end state: completed, retried (with backoff) or failed. */
export class JobRunner<T> {
  constructor(
    private readonly queue: Queue,
    private readonly handler: Handler<T>,
    private readonly events: Emitter<WorkerEvents>,
    private readonly strategies: Readonly<Record<string, BackoffStrategy>>,
  ) {}

  async process(running: RunningJob): Promise<void> {
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
    if (this.events.has('active')) this.events.emit('active', job);
    const onProgress = (value: unknown) => this.events.emit('progress', job, value);
    const outcome = await runAttempt(this.handler, job, claimed, running.control, onProgress);
    if (running.lost || running.abandoned) return;
    if (outcome.ok) {
      if (await this.queue.driver.complete(this.queue.name, claimed)) {
        if (this.events.has('completed')) this.events.emit('completed', job, outcome.result);
      }
      return;
    }
    const error = toJobError(outcome.error, attempt);
    if (isUnrecoverable(outcome.error)) return this.fail(running, job, 'unrecoverable', error);
    if (attempt >= claimed.attempts) return this.fail(running, job, outcome.timedOut ? 'timeout' : 'error', error);
    let delay: number;
    try {
      delay = backoffDelay(claimed.backoff, attempt, error, this.strategies);
    } catch (err) {
      this.events.emit('error', err);
      return this.fail(running, job, 'error', error);
    }
    if (await this.queue.driver.retry(this.queue.name, claimed, Date.now() + delay, error)) {
      this.events.emit('retrying', job, error, delay);
    }
  }

  private async fail(running: RunningJob, job: Job<T> | undefined, reason: FailReason, error: JobError): Promise<void> {
    if (await this.queue.driver.fail(this.queue.name, running.claimed, reason, error)) {
      this.events.emit('failed', job, error, reason, running.claimed.id);
    }
  }
}

export type { ClaimedJob };
