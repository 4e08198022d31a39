import type {
  ClaimedJob, ClaimOptions, FailedJobRecord, FailReason, JobCounts, JobError, ListOptions, NewJob, PushResult,
  QueueDriver, RecoverResult,
} from '@ody/queue';
import { QueueError } from '@ody/queue';
import { OdyError } from '@ody/core';
import { AMQPChannelError, type Channel, Connection } from 'rabbitmq-client';
import { type ConsumerHost, type Delivery, QueueConsumer } from './consumer.js';
import { body, type JobState, newState, properties, type StoredJob, toFailedRecord } from './envelope.js';
import { QueueAmqpError } from './errors.js';
import { scanFailed } from './failed-store.js';
import { amqpPriority, delayBucket, failedExchange, queueNames } from './names.js';
import { type AmqpDriverOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { ConfirmPublisher } from './publisher.js';
import { whileConnecting } from './retry.js';
import { Topology } from './topology.js';

function notFound(err: unknown): boolean {
  return err instanceof AMQPChannelError && err.code === 'NOT_FOUND';
}

/**
 * QueueDriver on RabbitMQ (AMQP 0-9-1) through rabbitmq-client: one connection, a confirm channel for
 * every write, one consumer channel per queue. See the README for the topology and the guarantees.
 */
export class AmqpQueueDriver implements QueueDriver {
  readonly name = 'amqp';
  /** The driver's connection (reconnects by itself); exposed for diagnostics and tests. */
  readonly connection: Connection;
  private readonly o: ResolvedOptions;
  private readonly publisher: ConfirmPublisher;
  private readonly topology: Topology;
  private readonly consumers = new Map<string, QueueConsumer>();
  private readonly maxStalls = new Map<string, number>();
  private readonly completed = new Map<string, number>();
  private dedupeChain: Promise<unknown> = Promise.resolve();
  private dedupeCh: Channel | undefined;
  private warned = false;
  private closing: Promise<void> | undefined;
  private readonly errorListeners = new Set<(err: unknown) => void>();

  constructor(options: AmqpDriverOptions = {}) {
    this.o = resolveOptions(options);
    this.connection = new Connection({ ...this.o.connection, url: this.o.url });
    this.connection.on('error', (err) => this.emitError(err));
    this.publisher = new ConfirmPublisher(this.connection, this.o.pushTimeoutMs);
    this.topology = new Topology(this.connection, this.o);
  }

  /** Listen to errors nobody awaits (connection drops, failed hand-backs); returns an unsubscribe function. */
  onError(listener: (err: unknown) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
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
        readPaused: () => this.readPaused(queue),
        onRedelivered: (d) => {
          this.stall(queue, d).catch((err) => this.emitError(err));
        },
        handBack: async (ds) => {
          for (const d of ds) {
            await this.settled(d, async () => {
              await this.publishTo(names.main, d.job.id, d.job.name, d.job.data, d.job.state);
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

  /** Publish a job message straight to queue `target` (default exchange), with confirm. */
  private publishTo(target: string, id: string, name: string, data: StoredJob['data'], state: JobState): Promise<void> {
    const props = properties(id, name, data, state, amqpPriority(state.priority, this.o.maxPriority));
    return this.publisher.publish({ ...props, exchange: '', routingKey: target }, body(data));
  }

  /** Publish to the work queue of `queue`, after `delayMs` (through a TTL queue) when > 0. */
  private async schedule(queue: string, job: Omit<StoredJob, 'corrupt'>, delayMs: number): Promise<void> {
    const names = await this.topology.queue(queue);
    const ttl = delayBucket(delayMs);
    const target = ttl > 0 ? await this.topology.delayQueue(queue, ttl) : names.main;
    await this.publishTo(target, job.id, job.name, job.data, job.state);
  }

  /** Reserve a user's jobId: declaring its marker queue with our own x-expires fails (406) when another push holds it. */
  private reserve(queue: string, jobId: string): Promise<boolean> {
    const marker = queueNames(this.o.prefix, queue).dedupe(jobId);
    const expires = this.o.dedupeWindowMs + Math.floor(Math.random() * 2 ** 20);
    const run = async (): Promise<boolean> => {
      // One channel for reservations, reopened after a 406 closed it (so a refusal never hits other calls).
      if (!this.dedupeCh?.active) this.dedupeCh = await this.connection.acquire();
      try {
        await this.dedupeCh.queueDeclare({ queue: marker, durable: true, arguments: { 'x-expires': expires } });
        return true;
      } catch (err) {
        if (err instanceof AMQPChannelError && err.code === 'PRECONDITION_FAILED') return false;
        throw err;
      }
    };
    const attempt = () => whileConnecting(`reserving jobId '${jobId}'`, this.o.pushTimeoutMs, run);
    const next = this.dedupeChain.then(attempt, attempt);
    this.dedupeChain = next.catch(() => undefined);
    return next;
  }

  private async unreserve(queue: string, job: StoredJob): Promise<void> {
    if (!job.state.dedupe) return;
    await this.connection.queueDelete({ queue: queueNames(this.o.prefix, queue).dedupe(job.id) }).catch((err) => this.emitError(err));
  }

  async push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]> {
    this.open();
    const names = await this.topology.queue(queue);
    return Promise.all(
      jobs.map(async (job): Promise<PushResult> => {
        if (job.dedupe && !(await this.reserve(queue, job.id))) return { id: job.id, added: false };
        const state = newState(job);
        try {
          const delay = job.runAt - Date.now();
          if (delay <= 0 && this.o.exchange !== undefined) {
            const props = properties(job.id, job.name, job.data, state, amqpPriority(job.priority, this.o.maxPriority));
            await this.publisher.publish({ ...props, exchange: this.o.exchange, routingKey: this.o.routingKey(queue, job.name), mandatory: true }, body(job.data));
          } else if (delay <= 0) {
            await this.publishTo(names.main, job.id, job.name, job.data, state);
          } else {
            await this.schedule(queue, { id: job.id, name: job.name, data: job.data, state }, delay);
          }
        } catch (err) {
          if (job.dedupe) await this.unreserve(queue, { id: job.id, name: job.name, data: undefined, state });
          throw err;
        }
        return { id: job.id, added: true };
      }),
    );
  }

  async claim(queue: string, options: ClaimOptions): Promise<ClaimedJob[]> {
    this.open();
    await this.topology.queue(queue);
    return this.consumer(queue).claim(options);
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

  async complete(queue: string, job: ClaimedJob): Promise<boolean> {
    this.open();
    const d = this.settle(queue, job);
    if (d === undefined || !QueueConsumer.ack(d)) return false;
    await this.unreserve(queue, d.job);
    this.completed.set(queue, (this.completed.get(queue) ?? 0) + 1);
    return true;
  }

  async retry(queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean> {
    this.open();
    const d = this.settle(queue, job);
    if (d === undefined) return false;
    const state: JobState = { ...d.job.state, attemptsMade: error.attempt, errors: [...d.job.state.errors, error], runAt };
    return this.settled(d, async () => {
      await this.schedule(queue, { id: d.job.id, name: d.job.name, data: d.job.data, state }, runAt - Date.now());
      return QueueConsumer.ack(d);
    });
  }

  /** Publish the failed record of a job to the dead-letter exchange (→ the failed queue). */
  private async toFailed(queue: string, job: StoredJob, state: JobState): Promise<void> {
    const names = await this.topology.queue(queue);
    const props = properties(job.id, job.name, job.data, state, 0);
    await this.publisher.publish({ ...props, exchange: failedExchange(this.o.prefix), routingKey: names.main }, body(job.data));
  }

  async fail(queue: string, job: ClaimedJob, reason: FailReason, error: JobError): Promise<boolean> {
    this.open();
    const d = this.settle(queue, job);
    if (d === undefined) return false;
    const state: JobState = { ...d.job.state, attemptsMade: error.attempt, errors: [...d.job.state.errors, error], reason, failedAt: Date.now() };
    const acked = await this.settled(d, async () => {
      await this.toFailed(queue, d.job, state);
      return QueueConsumer.ack(d);
    });
    await this.unreserve(queue, d.job);
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
      await this.toFailed(queue, d.job, { ...s, stalls, errors: [...s.errors, error], reason: 'stalled', failedAt: now });
      QueueConsumer.ack(d);
      await this.unreserve(queue, d.job);
      return 'failed';
    }
    const names = await this.topology.queue(queue);
    await this.publishTo(names.main, d.job.id, d.job.name, d.job.data, { ...s, stalls });
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

  /**
   * An admin call (counts, pause, failed store reads): waits for a reconnect up to pushTimeoutMs, then
   * ODY_QUEUE_AMQP_UNREACHABLE; a refusal by the broker is ODY_QUEUE_AMQP_TOPOLOGY. Never a raw client error.
   */
  private async reachable<T>(what: string, op: () => Promise<T>): Promise<T> {
    const ms = this.o.pushTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    // A channel acquisition can wait longer than pushTimeoutMs on its own: the deadline bounds the call.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueAmqpError('ODY_QUEUE_AMQP_UNREACHABLE', `RabbitMQ was unreachable for ${ms} ms while ${what}; it may still take effect once the connection is back.`, { details: { what, timeoutMs: ms } })), ms);
    });
    const work = whileConnecting(what, ms, op);
    work.catch(() => undefined);
    try {
      return await Promise.race([work, deadline]);
    } catch (err) {
      if (OdyError.is(err)) throw err;
      throw new QueueAmqpError('ODY_QUEUE_AMQP_TOPOLOGY', `RabbitMQ refused ${what}: ${(err as Error)?.message ?? String(err)}.`, { cause: err, details: { what } });
    } finally {
      clearTimeout(timer);
    }
  }

  private async readPaused(queue: string): Promise<boolean> {
    try {
      await this.connection.queueDeclare({ queue: queueNames(this.o.prefix, queue).paused, passive: true });
      return true;
    } catch (err) {
      if (notFound(err)) return false;
      throw err;
    }
  }

  async pause(queue: string): Promise<void> {
    this.open();
    return this.reachable('pausing the queue', async () => {
      await this.connection.queueDeclare({ queue: queueNames(this.o.prefix, queue).paused, durable: true });
      await this.consumer(queue).setPaused(true);
    });
  }

  async resume(queue: string): Promise<void> {
    this.open();
    return this.reachable('resuming the queue', async () => {
      await this.connection.queueDelete({ queue: queueNames(this.o.prefix, queue).paused });
      await this.consumer(queue).setPaused(false);
    });
  }

  async isPaused(queue: string): Promise<boolean> {
    this.open();
    return this.reachable('reading the pause flag', () => this.readPaused(queue));
  }

  async counts(queue: string): Promise<JobCounts> {
    this.open();
    return this.reachable('counting jobs', async () => {
      const names = await this.topology.queue(queue);
      const c = this.consumers.get(queue);
      const [ready, delayed, failed] = await Promise.all([
        this.topology.messageCount(names.main, this.topology.mainArguments(names)),
        this.topology.delayedCount(queue),
        this.topology.messageCount(names.failed),
      ]);
      return { waiting: ready + (c?.buffered ?? 0), delayed, active: c?.active ?? 0, completed: this.completed.get(queue) ?? 0, failed };
    });
  }

  async listFailed(queue: string, options: ListOptions = {}): Promise<FailedJobRecord[]> {
    this.open();
    return this.reachable('listing failed jobs', async () => {
      const names = await this.topology.queue(queue);
      const offset = options.offset ?? 0;
      const end = options.limit === undefined ? Number.POSITIVE_INFINITY : offset + options.limit;
      const out: FailedJobRecord[] = [];
      let index = 0;
      await scanFailed(this.connection, names.failed, (job) => {
        if (index >= offset && index < end) out.push(toFailedRecord(job));
        index++;
        return index >= end ? 'stop' : 'keep';
      });
      return out;
    });
  }

  async getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined> {
    this.open();
    return this.reachable('reading a failed job', async () => {
      const names = await this.topology.queue(queue);
      let found: FailedJobRecord | undefined;
      await scanFailed(this.connection, names.failed, (job) => {
        if (job.id !== id) return 'keep';
        found = toFailedRecord(job);
        return 'stop';
      });
      return found;
    });
  }

  async retryFailed(queue: string, ids?: readonly string[]): Promise<number> {
    this.open();
    const names = await this.topology.queue(queue);
    const wanted = ids === undefined ? undefined : new Set(ids);
    let moved = 0;
    await scanFailed(this.connection, names.failed, async (job) => {
      if (wanted !== undefined && !wanted.has(job.id)) return 'keep';
      const { reason: _r, failedAt: _f, ...rest } = job.state;
      // The job is live again: take its jobId back (best effort: a newer push of the id may hold it).
      if (rest.dedupe) await this.reserve(queue, job.id);
      await this.publishTo(names.main, job.id, job.name, job.data, { ...rest, attemptsMade: 0, stalls: 0, errors: [], runAt: Date.now() });
      moved++;
      return 'take';
    });
    return moved;
  }

  async purgeFailed(queue: string, ids?: readonly string[]): Promise<number> {
    this.open();
    const names = await this.topology.queue(queue);
    if (ids === undefined) return (await this.connection.queuePurge({ queue: names.failed })).messageCount;
    const wanted = new Set(ids);
    let removed = 0;
    await scanFailed(this.connection, names.failed, (job) => {
      if (!wanted.has(job.id)) return 'keep';
      removed++;
      return 'take';
    });
    return removed;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.consumers.values()].map((c) => c.close().catch((err) => this.emitError(err))));
      await this.publisher.close();
      await this.dedupeCh?.close().catch(() => undefined);
      await this.connection.close().catch(() => undefined);
    })();
    return this.closing;
  }
}

/**
 * A RabbitMQ queue driver for `queuePlugin({ driver: amqpDriver({ url }) })` or `new Queue(name, { driver })`.
 * Connects lazily; declares each queue's topology on first use.
 * @example
 * const driver = amqpDriver({ url: 'amqp://guest:guest@127.0.0.1:5672', prefix: 'shop' });
 */
export function amqpDriver(options: AmqpDriverOptions = {}): AmqpQueueDriver {
  return new AmqpQueueDriver(options);
}
