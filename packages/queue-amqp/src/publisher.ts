import type { Channel, Connection, Envelope } from 'rabbitmq-client';
import { QueueError } from '@ody/queue';
import { QueueAmqpError } from './errors.js';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), Math.max(1, ms));
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * One confirm-mode channel. `publish` resolves only after RabbitMQ confirmed the message; across a lost
 * connection it waits for the reconnect and publishes again until `timeoutMs`, then throws
 * ODY_QUEUE_AMQP_PUSH_FAILED. A retried publish may store the message twice (at-least-once).
 */
export class ConfirmPublisher {
  private channel: Promise<Channel> | undefined;
  private readonly returned = new Set<string>();
  private closed = false;
  /** The open confirm channel, for the fast path. */
  private ready: Channel | undefined;
  private readonly pending = new Set<{ deadline: number; reject: (err: Error) => void }>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Bound a confirm wait by `deadline` without a timer per message: one sweep timer rejects the overdue
   * ones (a broker that never confirms, a connection that hangs without closing).
   */
  private bounded(confirm: Promise<void>, deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = { deadline, reject };
      this.pending.add(entry);
      this.sweeper ??= setInterval(() => this.sweep(), Math.min(250, this.timeoutMs)).unref();
      confirm.then(
        () => {
          this.pending.delete(entry);
          resolve();
        },
        (err) => {
          this.pending.delete(entry);
          reject(err);
        },
      );
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const e of this.pending) {
      if (e.deadline <= now) {
        this.pending.delete(e);
        e.reject(new Error('no confirm before the deadline'));
      }
    }
    if (this.pending.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private open(): Promise<Channel> {
    const current = this.channel;
    if (current !== undefined) {
      return current.then((ch) => (ch.active ? ch : this.reopen()), () => this.reopen());
    }
    return this.reopen();
  }

  private reopen(): Promise<Channel> {
    const next = (async () => {
      const ch = await this.conn.acquire();
      ch.on('basic.return', (msg) => {
        if (msg.messageId !== undefined) this.returned.add(msg.messageId);
      });
      await ch.confirmSelect();
      this.ready = ch;
      return ch;
    })();
    this.channel = next;
    next.catch(() => {
      if (this.channel === next) this.channel = undefined;
    });
    return next;
  }

  /** Publish with confirm; `mandatory` publishes that no queue took fail with ODY_QUEUE_AMQP_UNROUTABLE. */
  async publish(envelope: Envelope, body: string | Buffer): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new QueueError('ODY_QUEUE_CLOSED', 'The AMQP driver is closed; create a new one to push.');
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const ch = this.ready?.active ? this.ready : await within(this.open(), left);
        await this.bounded(ch.basicPublish(envelope, body), deadline);
        // rabbitmq-client emits basic.return in a setImmediate queued before the confirm resolved us.
        if (envelope.mandatory) await new Promise((resolve) => setImmediate(resolve));
        if (envelope.mandatory && envelope.messageId !== undefined && this.returned.delete(envelope.messageId)) {
          throw new QueueAmqpError(
            'ODY_QUEUE_AMQP_UNROUTABLE',
            `Job ${envelope.messageId}: exchange '${envelope.exchange}' routed key '${envelope.routingKey}' to no queue. Bind a queue for it (option bindings) or fix routingKey.`,
            { details: { exchange: envelope.exchange, routingKey: envelope.routingKey } },
          );
        }
        return;
      } catch (err) {
        if (err instanceof QueueAmqpError) throw err;
        lastError = err;
        await sleep(Math.min(50 * 2 ** attempt, 1000, Math.max(0, deadline - Date.now())));
      }
    }
    throw new QueueAmqpError(
      'ODY_QUEUE_AMQP_PUSH_FAILED',
      `RabbitMQ did not confirm message ${String(envelope.messageId)} within ${this.timeoutMs} ms (${(lastError as Error | undefined)?.message ?? 'no answer'}); it may or may not be stored. Check the broker, or raise pushTimeoutMs.`,
      { cause: lastError, details: { messageId: envelope.messageId, timeoutMs: this.timeoutMs } },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    const ch = await this.channel?.catch(() => undefined);
    await ch?.close().catch(() => undefined);
  }
}
