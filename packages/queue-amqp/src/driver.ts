import type {
  ClaimedJob, ClaimOptions, FailedJobRecord, FailReason, JobCounts, JobError, ListOptions, NewJob, PushResult,
  QueueDriver, RecoverResult,
} from '@ody/queue';
import { QueueError } from '@ody/queue';
import { Connection } from 'rabbitmq-client';
import { QueueAdmin } from './admin.js';
import { type ConsumerHost, type Delivery, QueueConsumer } from './consumer.js';
import { JobIds } from './dedupe.js';
import { type JobState, newState } from './envelope.js';
import { JobWriter } from './jobs.js';
import { type QueueNames, queueNames } from './names.js';
import { type AmqpDriverOptions, type DelayMode, type ResolvedOptions, resolveOptions } from './options.js';
import { ConfirmPublisher } from './publisher.js';
import { Topology } from './topology.js';

/** See AmqpQueueDriver.capabilities(). */
export interface AmqpCapabilities {
  /**
   * How delayed jobs and retry backoffs wait: 'delayed-exchange' (the broker's
   * rabbitmq_delayed_message_exchange plugin) or 'ttl-queues' (per-delay TTL queues dead-lettering back).
   */
  delayMode: DelayMode;
}

/**
 * QueueDriver on RabbitMQ (AMQP 0-9-1) through rabbitmq-client: one connection, a confirm channel for
 * every write, one consumer channel per queue. See the README for the topology and the guarantees.
 * The roles live in their own modules: topology.ts (declarations, delay mode), jobs.ts + publisher.ts
 * (confirmed writes), consumer.ts (deliveries and leases), dedupe.ts (jobIds), admin.ts (pause, counts,
 * failed store). This class wires them and settles jobs.
 */
export class AmqpQueueDriver implements QueueDriver {
  readonly name = 'amqp';
  /** The driver's connection (reconnects by itself); exposed for diagnostics and tests. */
  readonly connection: Connection;
  private readonly o: ResolvedOptions;
  private readonly publisher: ConfirmPublisher;
  private readonly topology: Topology;
  private readonly writer: JobWriter;
  private readonly jobIds: JobIds;
  private readonly admin: QueueAdmin;
  private readonly consumers = new Map<string, QueueConsumer>();
  private readonly maxStalls = new Map<string, number>();
  private readonly completed = new Map<string, number>();
  private warned = false;
  /**
   * When the oldest waiting job of `queue` became due (ms; second precision), undefined when none waits.
   * Only with the `managementUrl` option (see it); undefined otherwise, so metrics report no age.
   */
  readonly oldestWaitingAt?: (queue: string) => Promise<number | undefined>;
  private closing: Promise<void> | undefined;
  private readonly errorListeners = new Set<(err: unknown) => void>();

  constructor(options: AmqpDriverOptions = {}) {
    this.o = resolveOptions(options);
    this.connection = new Connection({ ...this.o.connection, url: this.o.url });
    this.connection.on('error', (err) => this.emitError(err));
    this.publisher = new ConfirmPublisher(this.connection, this.o.pushTimeoutMs);
    this.topology = new Topology(this.connection, this.o);
    this.writer = new JobWriter(this.publisher, this.topology, this.o);
    this.jobIds = new JobIds(this.connection, this.o, (err) => this.emitError(err));
    this.admin = new QueueAdmin({
      conn: this.connection,
      o: this.o,
      topology: this.topology,
      writer: this.writer,
      jobIds: this.jobIds,
      consumer: (queue) => this.consumer(queue),
      existing: (queue) => this.consumers.get(queue),
      completed: (queue) => this.completed.get(queue) ?? 0,
    });
    const management = this.o.management;
    if (management !== undefined) {
      this.oldestWaitingAt = (queue) => {
        this.open();
        return this.admin.oldestWaitingAt(queue, management);
      };
    }
  }

  /** Listen to errors nobody awaits (connection drops, failed hand-backs); returns an unsubscribe function. */
  onError(listener: (err: unknown) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /**
   * What the driver uses on this broker: the delay mode, detected on first use (a probe for the
   * x-delayed-message exchange type) and announced once through the `log` option.
   */
  async capabilities(): Promise<AmqpCapabilities> {
    this.open();
    return { delayMode: await this.topology.delayMode() };
  }

  /** The delay mode once detected (after the first queue declaration or capabilities()); undefined before. */
  get delayMode(): DelayMode | undefined {
    return this.topology.detected;
  }

  private emitError(err: unknown): void {
    if (this.errorListeners.size === 0 && !this.warned) {
      this.warned = true; // once per driver: a flapping broker must not flood the log
      console.warn(`[@ody/queue-amqp] ${(err as Error)?.message ?? String(err)} (the driver reconnects; add driver.onError() to handle these)`);
    }
    for (const l of this.errorListeners) {
      try {
        l(err);
      } catch {
        // a throwing listener must not break the driver
      }
    }
  }

  private open(): void {
    if (this.closing !== undefined) throw new QueueError('ODY_QUEUE_CLOSED', 'The AMQP driver was used after close(); create a new driver.');
  }

  private consumer(queue: string): QueueConsumer {
    let c = this.consumers.get(queue);
    if (c === undefined) {
      const names = queueNames(this.o.prefix, queue);
      const host: ConsumerHost = {
        conn: this.connection,
        queue: names.main,
        pausePollMs: this.o.pausePollMs,
        holdMs: this.o.holdMs,
        readPaused: () => this.admin.readPaused(queue),
        onRedelivered: (d) => {
          this.stall(queue, d).catch((err) => this.emitError(err));
        },
        handBack: async (ds) => {
          for (const d of ds) {
            await this.settled(d, async () => {
              await this.writer.publishTo(names.main, d.job);
              QueueConsumer.ack(d);
            }).catch((err) => this.emitError(err));
          }
        },
        onError: (err) => this.emitError(err),
      };
      c = new QueueConsumer(host);
      this.consumers.set(queue, c);
    }
    return c;
  }

  /** Run a settle step of a delivery whose lease was released; if it throws, requeue the delivery, then rethrow. */
  private async settled<T>(d: Delivery, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      QueueConsumer.requeue(d);
      throw err;
    }
  }

  async push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]> {
    this.open();
    const names = await this.topology.queue(queue);
    return Promise.all(jobs.map((job) => this.pushOne(queue, names, job)));
  }

  private async pushOne(queue: string, names: QueueNames, job: NewJob): Promise<PushResult> {
    if (job.dedupe && !(await this.jobIds.reserve(queue, job.id))) return { id: job.id, added: false };
    const state = newState(job);
    try {
      await this.writer.push(queue, names, job, state);
    } catch (err) {
      if (job.dedupe) await this.jobIds.release(queue, { id: job.id, state });
      throw err;
    }
    return { id: job.id, added: true };
  }

  claim(queue: string, options: ClaimOptions): Promise<ClaimedJob[]> {
    if (this.closing !== undefined) return this.closedError();
    // Declared already (the usual case): no await between a buffered job and its claim.
    if (this.topology.isDeclared(queue)) return this.consumer(queue).claim(options);
    return this.topology.queue(queue).then(() => this.consumer(queue).claim(options));
  }

  private closedError(): Promise<never> {
    return Promise.reject(new QueueError('ODY_QUEUE_CLOSED', 'The AMQP driver was used after close(); create a new driver.'));
  }

  async extend(queue: string, jobs: readonly ClaimedJob[], leaseMs: number): Promise<boolean[]> {
    this.open();
    const c = this.consumers.get(queue);
    const deadline = Date.now() + leaseMs;
    return jobs.map((job) => {
      const held = c?.lease(job.lease);
      if (held === undefined || !held.ch.active) return false;
      held.deadline = deadline;
      return true;
    });
  }

  /** Take a lease back from the consumer; undefined when it is no longer held here. */
  private settle(queue: string, job: ClaimedJob): Delivery | undefined {
    const c = this.consumers.get(queue);
    const held = c?.lease(job.lease);
    if (c === undefined || held === undefined || !held.ch.active) return undefined;
    c.release(job.lease);
    return held;
  }

  complete(queue: string, job: ClaimedJob): Promise<boolean> {
    if (this.closing !== undefined) return this.closedError();
    const d = this.settle(queue, job);
    if (d === undefined || !QueueConsumer.ack(d)) return FALSE;
    this.completed.set(queue, (this.completed.get(queue) ?? 0) + 1);
    if (!d.job.state.dedupe) return TRUE;
    return this.jobIds.release(queue, d.job).then(() => true);
  }

  async retry(queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean> {
    this.open();
    const d = this.settle(queue, job);
    if (d === undefined) return false;
    const state: JobState = { ...d.job.state, attemptsMade: error.attempt, errors: [...d.job.state.errors, error], runAt };
    // The claimed job's meta (instrumentation may have replaced or added to it) goes with the next attempt.
    if (job.meta !== undefined) state.meta = job.meta;
    return this.settled(d, async () => {
      await this.writer.schedule(queue, { id: d.job.id, name: d.job.name, data: d.job.data, state }, runAt - Date.now());
      return QueueConsumer.ack(d);
    });
  }

  async fail(queue: string, job: ClaimedJob, reason: FailReason, error: JobError): Promise<boolean> {
    this.open();
    const d = this.settle(queue, job);
    if (d === undefined) return false;
    const state: JobState = { ...d.job.state, attemptsMade: error.attempt, errors: [...d.job.state.errors, error], reason, failedAt: Date.now() };
    const acked = await this.settled(d, async () => {
      await this.writer.toFailed(queue, d.job, state);
      return QueueConsumer.ack(d);
    });
    await this.jobIds.release(queue, d.job);
    return acked;
  }

  /** A delivery whose holder lost it: back to the queue with stalls + 1, or failed ('stalled') past maxStalls. */
  private stall(queue: string, d: Delivery): Promise<'stalled' | 'failed'> {
    return this.settled(d, () => this.stallNow(queue, d));
  }

  private async stallNow(queue: string, d: Delivery): Promise<'stalled' | 'failed'> {
    const s = d.job.state;
    const stalls = s.stalls + 1;
    if (stalls > (this.maxStalls.get(queue) ?? 1)) {
      const now = Date.now();
      const error: JobError = {
        attempt: s.attemptsMade + 1, name: 'QueueError', code: 'ODY_QUEUE_JOB_STALLED', at: now,
        message: `Job ${d.job.id} lost its lease ${stalls} times (maxStalls ${this.maxStalls.get(queue) ?? 1}); its workers kept dying or stalling.`,
      };
      await this.writer.toFailed(queue, d.job, { ...s, stalls, errors: [...s.errors, error], reason: 'stalled', failedAt: now });
      QueueConsumer.ack(d);
      await this.jobIds.release(queue, d.job);
      return 'failed';
    }
    const names = await this.topology.queue(queue);
    await this.writer.publishTo(names.main, { id: d.job.id, name: d.job.name, data: d.job.data, state: { ...s, stalls } });
    QueueConsumer.ack(d);
    return 'stalled';
  }

  async recover(queue: string, maxStalls: number): Promise<RecoverResult> {
    this.open();
    this.maxStalls.set(queue, maxStalls);
    const result: RecoverResult = { stalled: [], failed: [] };
    const c = this.consumers.get(queue);
    if (c === undefined) return result;
    for (const d of c.expired()) {
      const outcome = await this.stall(queue, d);
      result[outcome].push(d.job.id);
    }
    return result;
  }

  async pause(queue: string): Promise<void> {
    this.open();
    return this.admin.pause(queue);
  }

  async resume(queue: string): Promise<void> {
    this.open();
    return this.admin.resume(queue);
  }

  async isPaused(queue: string): Promise<boolean> {
    this.open();
    return this.admin.isPaused(queue);
  }

  /**
   * Counts of `queue`. `waiting` and `failed` are the broker's; `delayed` counts the TTL delay queues this
   * driver used (0 in delayed-exchange mode: the plugin does not expose it); `active` and `completed` are
   * this driver instance's (RabbitMQ keeps no record of acked messages). See the README.
   */
  async counts(queue: string): Promise<JobCounts> {
    this.open();
    return this.admin.counts(queue);
  }

  async listFailed(queue: string, options: ListOptions = {}): Promise<FailedJobRecord[]> {
    this.open();
    return this.admin.listFailed(queue, options);
  }

  async getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined> {
    this.open();
    return this.admin.getFailed(queue, id);
  }

  async retryFailed(queue: string, ids?: readonly string[]): Promise<number> {
    this.open();
    return this.admin.retryFailed(queue, ids);
  }

  async purgeFailed(queue: string, ids?: readonly string[]): Promise<number> {
    this.open();
    return this.admin.purgeFailed(queue, ids);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.consumers.values()].map((c) => c.close().catch((err) => this.emitError(err))));
      await this.publisher.close();
      await this.jobIds.close();
      await this.connection.close().catch(() => undefined);
    })();
    return this.closing;
  }
}

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);

/**
 * A RabbitMQ queue driver for `queuePlugin({ driver: amqpDriver({ url }) })` or `new Queue(name, { driver })`.
 * Connects lazily; declares each queue's topology on first use.
 * @example
 * const driver = amqpDriver({ url: 'amqp://guest:guest@127.0.0.1:5672', prefix: 'shop' });
 */
export function amqpDriver(options: AmqpDriverOptions = {}): AmqpQueueDriver {
  return new AmqpQueueDriver(options);
}
