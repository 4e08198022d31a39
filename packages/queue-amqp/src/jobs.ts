import type { NewJob } from '@ody/queue';
import { body, type JobState, newState, properties, type StoredJob } from './envelope.js';
import { amqpPriority, delayBucket, delayedExchange, failedExchange, type QueueNames } from './names.js';
import type { ResolvedOptions } from './options.js';
import type { ConfirmPublisher } from './publisher.js';
import type { Topology } from './topology.js';

/** A job to publish: what a message carries. */
export type JobMessage = Omit<StoredJob, 'corrupt'>;

/**
 * Writes job messages, each confirmed by the broker: new jobs (straight to the work queue, or through the
 * app's topic exchange), delayed ones and retries (delayed-message exchange or TTL queue), failed records
 * (dead-letter exchange).
 */
export class JobWriter {
  constructor(
    private readonly publisher: ConfirmPublisher,
    private readonly topology: Topology,
    private readonly o: ResolvedOptions,
  ) {}

  /** Publish a job message straight to queue `target` (default exchange), with confirm. */
  publishTo(target: string, job: JobMessage): Promise<void> {
    const envelope = properties(job.id, job.name, job.data, job.state, amqpPriority(job.state.priority, this.o.maxPriority), '', target);
    return this.publisher.publish(envelope, body(job.data));
  }

  /** Publish to the work queue of `queue`, after `delayMs` when > 0 (delayed-message exchange or TTL queue). */
  async schedule(queue: string, job: JobMessage, delayMs: number, declared?: QueueNames): Promise<void> {
    const names = declared ?? (await this.topology.queue(queue));
    if (delayMs <= 0) return this.publishTo(names.main, job);
    if ((await this.topology.delayMode()) === 'delayed-exchange') {
      const envelope = properties(job.id, job.name, job.data, job.state, amqpPriority(job.state.priority, this.o.maxPriority), delayedExchange(this.o.prefix), names.main);
      envelope.headers!['x-delay'] = Math.ceil(delayMs);
      return this.publisher.publish(envelope, body(job.data));
    }
    return this.publishTo(await this.topology.delayQueue(queue, delayBucket(delayMs)), job);
  }

  /**
   * Publish a new job of `queue` (whose topology is declared: `names`): through the app exchange
   * (mandatory) when configured and due, else scheduled.
   */
  push(queue: string, names: QueueNames, job: NewJob, state: JobState = newState(job)): Promise<void> {
    const delay = job.runAt - Date.now();
    if (delay <= 0 && this.o.exchange !== undefined) {
      const envelope = properties(job.id, job.name, job.data, state, amqpPriority(job.priority, this.o.maxPriority), this.o.exchange, this.o.routingKey(queue, job.name));
      envelope.mandatory = true;
      return this.publisher.publish(envelope, body(job.data));
    }
    return this.schedule(queue, { id: job.id, name: job.name, data: job.data, state }, delay, names);
  }

  /** Publish the failed record of a job to the dead-letter exchange (→ the failed queue). */
  async toFailed(queue: string, job: StoredJob, state: JobState): Promise<void> {
    const names = await this.topology.queue(queue);
    await this.publisher.publish(properties(job.id, job.name, job.data, state, 0, failedExchange(this.o.prefix), names.main), body(job.data));
  }
}
