import { AMQPConnectionError, Connection } from 'rabbitmq-client';
import { QueueAmqpError } from './errors.js';
import { delayedExchange, failedExchange, type QueueNames, queueNames } from './names.js';
import type { DelayMode, ResolvedOptions } from './options.js';
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
  /** Queues whose declaration finished (and was not reset since). */
  private readonly done = new Set<string>();
  /** Delay TTLs in use per queue, with when each was last (re)declared. */
  private readonly delays = new Map<string, Map<number, number>>();
  private mode: Promise<DelayMode> | undefined;
  /** The delay mode once detected. */
  detected: DelayMode | undefined;

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
      const next = this.declare(queue);
      p = next;
      this.declared.set(queue, next);
      next.then(
        () => {
          if (this.declared.get(queue) === next) this.done.add(queue);
        },
        () => this.declared.delete(queue),
      );
    }
    return p;
  }

  /** True when the topology of `queue` is declared (queue(queue) would resolve without a round trip). */
  isDeclared(queue: string): boolean {
    return this.done.has(queue);
  }

  /** Forget what was declared (after the broker may have lost non-durable state). */
  reset(): void {
    this.declared.clear();
    this.done.clear();
    this.delays.clear();
  }

  /**
   * How delayed jobs wait on this broker, detected once per driver: in 'auto' mode a probe connection
   * declares the durable `<prefix>.delayed` exchange of type x-delayed-message. A broker without the
   * plugin answers with a connection error (COMMAND_INVALID, "unknown exchange type"), which is why the
   * probe never runs on the driver's own connection.
   */
  delayMode(): Promise<DelayMode> {
    if (this.mode === undefined) {
      const p = this.detect();
      this.mode = p;
      p.catch(() => {
        if (this.mode === p) this.mode = undefined;
      });
    }
    return this.mode;
  }

  private async detect(): Promise<DelayMode> {
    let mode: DelayMode;
    let why: string;
    if (this.o.delayMode === 'ttl-queues') {
      mode = 'ttl-queues';
      why = "option delayMode: 'ttl-queues'";
    } else {
      const plugin = await whileConnecting('probing for the delayed-message exchange', this.o.pushTimeoutMs, () => this.probe());
      if (!plugin && this.o.delayMode === 'delayed-exchange') {
        throw topologyError(
          `exchange '${delayedExchange(this.o.prefix)}' of type x-delayed-message`,
          new Error("the broker does not know the exchange type (enable the rabbitmq_delayed_message_exchange plugin, or use delayMode 'auto' or 'ttl-queues')"),
        );
      }
      mode = plugin ? 'delayed-exchange' : 'ttl-queues';
      why = plugin ? 'the broker has the rabbitmq_delayed_message_exchange plugin' : 'the broker has no rabbitmq_delayed_message_exchange plugin';
    }
    this.detected = mode;
    this.announce(mode, why);
    return mode;
  }

  private announce(mode: DelayMode, why: string): void {
    const how = mode === 'delayed-exchange' ? `the x-delayed-message exchange '${delayedExchange(this.o.prefix)}'` : 'per-delay TTL queues dead-lettering back to the work queue';
    const line = `[@ody/queue-amqp] delayed jobs and retry backoffs use ${how} (delayMode '${mode}': ${why}).`;
    // Said through `log` when given; otherwise only through capabilities().delayMode: a library never
    // writes to the app's stdout or stderr on its own (`ody queue:* --json` and its one-line errors rely on it).
    this.o.log?.(line);
  }

  /** True when the broker declared the x-delayed-message exchange (the plugin is enabled). */
  private async probe(): Promise<boolean> {
    const probe = new Connection({ ...this.o.connection, url: this.o.url });
    probe.on('error', () => undefined); // the expected COMMAND_INVALID closes this connection, nothing else
    try {
      await probe.exchangeDeclare({ exchange: delayedExchange(this.o.prefix), type: 'x-delayed-message', durable: true, arguments: { 'x-delayed-type': 'direct' } });
      return true;
    } catch (err) {
      if (err instanceof AMQPConnectionError && err.code === 'COMMAND_INVALID') return false;
      throw isConnectionLoss(err) ? err : topologyError(`exchange '${delayedExchange(this.o.prefix)}'`, err);
    } finally {
      await probe.close().catch(() => undefined);
    }
  }

  private declare(queue: string): Promise<QueueNames> {
    return whileConnecting(`declaring queue '${queue}'`, this.o.pushTimeoutMs, () => this.declareOnce(queue));
  }

  private async declareOnce(queue: string): Promise<QueueNames> {
    const names = queueNames(this.o.prefix, queue);
    const dlx = failedExchange(this.o.prefix);
    const delays = await this.delayMode();
    try {
      await this.conn.exchangeDeclare({ exchange: dlx, type: 'direct', durable: true });
      await this.conn.queueDeclare({ queue: names.failed, durable: true });
      await this.conn.queueBind({ queue: names.failed, exchange: dlx, routingKey: names.main });
      await this.conn.queueDeclare({ queue: names.main, durable: true, arguments: this.mainArguments(names) });
      if (delays === 'delayed-exchange') {
        await this.conn.queueBind({ queue: names.main, exchange: delayedExchange(this.o.prefix), routingKey: names.main });
      }
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
