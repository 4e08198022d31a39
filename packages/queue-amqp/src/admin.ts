import type { FailedJobRecord, JobCounts, ListOptions } from '@ody/queue';
import { OdyError } from '@ody/core';
import { AMQPChannelError, type Connection } from 'rabbitmq-client';
import type { QueueConsumer } from './consumer.js';
import type { JobIds } from './dedupe.js';
import { toFailedRecord } from './envelope.js';
import { QueueAmqpError } from './errors.js';
import { scanFailed } from './failed-store.js';
import type { JobWriter } from './jobs.js';
import { queueNames } from './names.js';
import type { ResolvedOptions } from './options.js';
import { whileConnecting } from './retry.js';
import type { Topology } from './topology.js';

function notFound(err: unknown): boolean {
  return err instanceof AMQPChannelError && err.code === 'NOT_FOUND';
}

/** What the admin calls need from the driver. */
export interface AdminHost {
  readonly conn: Connection;
  readonly o: ResolvedOptions;
  readonly topology: Topology;
  readonly writer: JobWriter;
  readonly jobIds: JobIds;
  /** The consumer of a queue, made on first use. */
  consumer(queue: string): QueueConsumer;
  /** The consumer of a queue if this process has one. */
  existing(queue: string): QueueConsumer | undefined;
  /** Jobs this driver completed on `queue`. */
  completed(queue: string): number;
}

/** The calls that are not the job flow: pause flag, counts, and the failed store (list/get/retry/purge). */
export class QueueAdmin {
  constructor(private readonly h: AdminHost) {}

  /**
   * An admin call (counts, pause, failed store reads): waits for a reconnect up to pushTimeoutMs, then
   * ODY_QUEUE_AMQP_UNREACHABLE; a refusal by the broker is ODY_QUEUE_AMQP_TOPOLOGY. Never a raw client error.
   */
  private async reachable<T>(what: string, op: () => Promise<T>): Promise<T> {
    const ms = this.h.o.pushTimeoutMs;
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

  /** The shared pause flag: the `.paused` marker queue exists. */
  async readPaused(queue: string): Promise<boolean> {
    try {
      await this.h.conn.queueDeclare({ queue: queueNames(this.h.o.prefix, queue).paused, passive: true });
      return true;
    } catch (err) {
      if (notFound(err)) return false;
      throw err;
    }
  }

  pause(queue: string): Promise<void> {
    return this.reachable('pausing the queue', async () => {
      await this.h.conn.queueDeclare({ queue: queueNames(this.h.o.prefix, queue).paused, durable: true });
      await this.h.consumer(queue).setPaused(true);
    });
  }

  resume(queue: string): Promise<void> {
    return this.reachable('resuming the queue', async () => {
      await this.h.conn.queueDelete({ queue: queueNames(this.h.o.prefix, queue).paused });
      await this.h.consumer(queue).setPaused(false);
    });
  }

  isPaused(queue: string): Promise<boolean> {
    return this.reachable('reading the pause flag', () => this.readPaused(queue));
  }

  counts(queue: string): Promise<JobCounts> {
    return this.reachable('counting jobs', async () => {
      const { topology } = this.h;
      const names = await topology.queue(queue);
      const c = this.h.existing(queue);
      const [ready, delayed, failed] = await Promise.all([
        topology.messageCount(names.main, topology.mainArguments(names)),
        topology.delayedCount(queue),
        topology.messageCount(names.failed),
      ]);
      return { waiting: ready + (c?.buffered ?? 0), delayed, active: c?.active ?? 0, completed: this.h.completed(queue), failed };
    });
  }

  /**
   * The work queue's head_message_timestamp from the management API (messages carry their due time in
   * seconds as `timestamp`), and the jobs this process received but nobody claimed yet. Never touches the
   * messages themselves: a basic.get + requeue would mark the head redelivered (a stall for this driver).
   */
  oldestWaitingAt(queue: string, management: NonNullable<ResolvedOptions['management']>): Promise<number | undefined> {
    return this.reachable('reading the oldest waiting job', async () => {
      const names = await this.h.topology.queue(queue);
      const url = `${management.api}/api/queues/${encodeURIComponent(management.vhost)}/${encodeURIComponent(names.main)}`;
      let res: Response;
      try {
        res = await fetch(url, { headers: { authorization: management.authorization }, signal: AbortSignal.timeout(this.h.o.pushTimeoutMs) });
      } catch (err) {
        throw new QueueAmqpError('ODY_QUEUE_AMQP_UNREACHABLE', `The RabbitMQ management API at ${management.api} did not answer (${(err as Error).message}); oldestWaitingAt needs the rabbitmq_management plugin there.`, { cause: err, details: { api: management.api } });
      }
      let head: number | undefined;
      if (res.ok) {
        const info = (await res.json()) as { head_message_timestamp?: unknown; messages_ready?: unknown };
        if (typeof info.head_message_timestamp === 'number' && info.messages_ready !== 0) head = info.head_message_timestamp * 1000;
      } else if (res.status !== 404) {
        throw new QueueAmqpError('ODY_QUEUE_AMQP_UNREACHABLE', `The RabbitMQ management API at ${management.api} answered ${res.status} for queue '${names.main}' (check managementUrl's credentials and the vhost).`, { details: { api: management.api, status: res.status } });
      }
      const buffered = this.h.existing(queue)?.oldestBufferedAt;
      if (head === undefined) return buffered;
      return buffered === undefined ? head : Math.min(head, buffered);
    });
  }

  listFailed(queue: string, options: ListOptions = {}): Promise<FailedJobRecord[]> {
    return this.reachable('listing failed jobs', async () => {
      const names = await this.h.topology.queue(queue);
      const offset = options.offset ?? 0;
      const end = options.limit === undefined ? Number.POSITIVE_INFINITY : offset + options.limit;
      const out: FailedJobRecord[] = [];
      let index = 0;
      await scanFailed(this.h.conn, names.failed, (job) => {
        if (index >= offset && index < end) out.push(toFailedRecord(job));
        index++;
        return index >= end ? 'stop' : 'keep';
      });
      return out;
    });
  }

  getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined> {
    return this.reachable('reading a failed job', async () => {
      const names = await this.h.topology.queue(queue);
      let found: FailedJobRecord | undefined;
      await scanFailed(this.h.conn, names.failed, (job) => {
        if (job.id !== id) return 'keep';
        found = toFailedRecord(job);
        return 'stop';
      });
      return found;
    });
  }

  async retryFailed(queue: string, ids?: readonly string[]): Promise<number> {
    const names = await this.h.topology.queue(queue);
    const wanted = ids === undefined ? undefined : new Set(ids);
    let moved = 0;
    await scanFailed(this.h.conn, names.failed, async (job) => {
      if (wanted !== undefined && !wanted.has(job.id)) return 'keep';
      const { reason: _r, failedAt: _f, ...rest } = job.state;
      // The job is live again: take its jobId back (best effort: a newer push of the id may hold it).
      if (rest.dedupe) await this.h.jobIds.reserve(queue, job.id);
      await this.h.writer.publishTo(names.main, { id: job.id, name: job.name, data: job.data, state: { ...rest, attemptsMade: 0, stalls: 0, errors: [], runAt: Date.now() } });
      moved++;
      return 'take';
    });
    return moved;
  }

  async purgeFailed(queue: string, ids?: readonly string[]): Promise<number> {
    const names = await this.h.topology.queue(queue);
    if (ids === undefined) return (await this.h.conn.queuePurge({ queue: names.failed })).messageCount;
    const wanted = new Set(ids);
    let removed = 0;
    await scanFailed(this.h.conn, names.failed, (job) => {
      if (!wanted.has(job.id)) return 'keep';
      removed++;
      return 'take';
    });
    return removed;
  }
}
