import type { Connection } from 'rabbitmq-client';
import { QueueAmqpError } from './errors.js';
import { failedExchange, type QueueNames, queueNames } from './names.js';
import type { ResolvedOptions } from './options.js';
import { isConnectionLoss, whileConnecting } from './retry.js';

/** Keep a delay queue for this long after its last use (it only ever holds messages for its TTL). */
const DELAY_QUEUE_IDLE_MS = 10 * 60_000;

function topologyError(what: string, cause: unknown): QueueAmqpError {
  return new QueueAmqpError(
    'ODY_QUEUE_AMQP_TOPOLOGY',
    `RabbitMQ refused to declare ${what}: ${(cause as Error).message}. An existing queue or exchange with other arguments must be deleted (or use another prefix).`,
    { cause, details: { what } },
  );
}

/**
 * Declares (idempotently) and remembers the exchanges and queues of each queue: the failed exchange, the
 * failed queue, the priority work queue that dead-letters into it, the app exchange and its bindings, and
 * the delay queues as they are needed.
 */
export class Topology {
  private readonly declared = new Map<string, Promise<QueueNames>>();
  /** Delay TTLs in use per queue, with when each was last (re)declared. */
  private readonly delays = new Map<string, Map<number, number>>();

  constructor(
    private readonly conn: Connection,
    private readonly o: ResolvedOptions,
  ) {}

  /** Arguments of a work queue; every process must declare it the same way. */
  mainArguments(names: QueueNames): Record<string, unknown> {
    const args: Record<string, unknown> = {
      'x-dead-letter-exchange': failedExchange(this.o.prefix),
      'x-dead-letter-routing-key': names.main,
    };
    if (this.o.maxPriority > 0) args['x-max-priority'] = 2 * this.o.maxPriority;
    return args;
  }

  /** Names of `queue`, after its topology is declared (once per driver). */
  queue(queue: string): Promise<QueueNames> {
    let p = this.declared.get(queue);
    if (p === undefined) {
      p = this.declare(queue);
      this.declared.set(queue, p);
      p.catch(() => this.declared.delete(queue));
    }
    return p;
  }

  /** Forget what was declared (after the broker may have lost non-durable state). */
  reset(): void {
    this.declared.clear();
    this.delays.clear();
  }

  private declare(queue: string): Promise<QueueNames> {
    return whileConnecting(`declaring queue '${queue}'`, this.o.pushTimeoutMs, () => this.declareOnce(queue));
  }

  private async declareOnce(queue: string): Promise<QueueNames> {
    const names = queueNames(this.o.prefix, queue);
    const dlx = failedExchange(this.o.prefix);
    try {
      await this.conn.exchangeDeclare({ exchange: dlx, type: 'direct', durable: true });
      await this.conn.queueDeclare({ queue: names.failed, durable: true });
      await this.conn.queueBind({ queue: names.failed, exchange: dlx, routingKey: names.main });
      await this.conn.queueDeclare({ queue: names.main, durable: true, arguments: this.mainArguments(names) });
      if (this.o.exchange !== undefined) {
        await this.conn.exchangeDeclare({ exchange: this.o.exchange, type: 'topic', durable: true });
        for (const key of this.o.bindings[queue] ?? [`${queue}.#`]) {
          await this.conn.queueBind({ queue: names.main, exchange: this.o.exchange, routingKey: key });
        }
      }
    } catch (cause) {
      throw isConnectionLoss(cause) ? cause : topologyError(`the topology of queue '${queue}'`, cause);
    }
    return names;
  }

  private delayArguments(names: QueueNames, ttlMs: number): Record<string, unknown> {
    return {
      'x-message-ttl': ttlMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.main,
      'x-expires': ttlMs + DELAY_QUEUE_IDLE_MS,
    };
  }

  /**
   * The delay queue for `ttlMs`, declared when this driver has not (re)declared it for half its idle
   * expiry: a message put in it leaves (after ttlMs) before the queue can expire.
   */
  async delayQueue(queue: string, ttlMs: number): Promise<string> {
    const names = await this.queue(queue);
    const used = this.delays.get(queue) ?? new Map<number, number>();
    this.delays.set(queue, used);
    const at = used.get(ttlMs);
    if (at === undefined || Date.now() - at > DELAY_QUEUE_IDLE_MS / 2) {
      const args = { queue: names.delay(ttlMs), durable: true, arguments: this.delayArguments(names, ttlMs) };
      await whileConnecting(`declaring delay queue '${args.queue}'`, this.o.pushTimeoutMs, async () => {
        try {
          await this.conn.queueDeclare(args);
        } catch (cause) {
          throw isConnectionLoss(cause) ? cause : topologyError(`delay queue '${args.queue}'`, cause);
        }
      });
      used.set(ttlMs, Date.now());
    }
    return names.delay(ttlMs);
  }

  /** Messages waiting in the delay queues this driver used for `queue` (others' are not visible over AMQP). */
  async delayedCount(queue: string): Promise<number> {
    const names = await this.queue(queue);
    let total = 0;
    for (const [ttl] of this.delays.get(queue) ?? []) {
      const ok = await this.conn.queueDeclare({ queue: names.delay(ttl), durable: true, arguments: this.delayArguments(names, ttl) });
      this.delays.get(queue)?.set(ttl, Date.now());
      total += ok.messageCount;
    }
    return total;
  }

  /** Ready messages of a declared queue. */
  async messageCount(name: string, args?: Record<string, unknown>): Promise<number> {
    const ok = await this.conn.queueDeclare(args === undefined ? { queue: name, durable: true } : { queue: name, durable: true, arguments: args });
    return ok.messageCount;
  }
}
