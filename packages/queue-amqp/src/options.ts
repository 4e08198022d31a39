import type { ConnectionOptions } from 'rabbitmq-client';
import { QueueError } from '@ody/queue';

/** Options of the RabbitMQ queue driver. */
export interface AmqpDriverOptions {
  /** amqp:// or amqps:// URL (vhost in the path). Default `AMQP_URL`, else amqp://guest:guest@127.0.0.1:5672. */
  url?: string;
  /** Extra rabbitmq-client connection options (heartbeat, TLS, hosts, retryLow/High …). */
  connection?: Omit<ConnectionOptions, 'url'>;
  /** Name prefix of every queue and exchange the driver declares (`<prefix>.<queue>`, …). Default 'ody'. */
  prefix?: string;
  /**
   * Publish new jobs through this topic exchange (declared durable) instead of straight to the queue, with
   * the routing key from `routingKey`. Each queue is bound with `bindings[queue]` (default `['<queue>.#']`).
   * Retries, delays and stall redeliveries always go straight to the queue that held the job.
   */
  exchange?: string;
  /** Routing key of a new job in exchange mode. Default `<queue>.<job name>`. */
  routingKey?: (queue: string, jobName: string) => string;
  /** Binding keys per queue in exchange mode. A queue not listed gets `['<queue>.#']`. */
  bindings?: Readonly<Record<string, readonly string[]>>;
  /**
   * Job priorities in [-maxPriority, maxPriority] stay distinct; ones beyond are clamped to the ends
   * (queues get `x-max-priority` = 2·maxPriority). 0..127, default 5. 0 disables priority queues.
   */
  maxPriority?: number;
  /** How long a push waits for a broker confirm (including reconnects) before ODY_QUEUE_AMQP_PUSH_FAILED. Default 30000. */
  pushTimeoutMs?: number;
  /** How long a jobId stays reserved after its push (the dedupe marker's x-expires). Default 86400000 (24 h). */
  dedupeWindowMs?: number;
  /** How often a consuming driver re-reads the shared pause flag. Default 1000. */
  pausePollMs?: number;
  /** Received jobs that no claim took within this many ms go back to the queue. Default 2000. */
  holdMs?: number;
  /**
   * How delayed jobs and retry backoffs wait. 'auto' (default): the `x-delayed-message` exchange when the
   * broker has the rabbitmq_delayed_message_exchange plugin enabled, else per-delay TTL queues.
   * 'delayed-exchange' requires the plugin (ODY_QUEUE_AMQP_TOPOLOGY without it); 'ttl-queues' never probes.
   */
  delayMode?: 'auto' | DelayMode;
  /**
   * Where the driver says which delay mode it uses, once it detected it (the first time it declares a
   * queue), once per process and broker. Default: not said (read `capabilities().delayMode`); a library never writes to the app's stdout/stderr.
   */
  log?: (line: string) => void;
  /**
   * URL of the broker's management API (the rabbitmq_management plugin), e.g. `http://guest:guest@127.0.0.1:15672`.
   * With it the driver implements `oldestWaitingAt` (the `ody_queue_oldest_waiting_age_seconds` metric): the
   * queue's `head_message_timestamp` (second precision, as fresh as the broker's statistics interval,
   * `collect_statistics_interval`, default 5 s). Without it the metric is absent: AMQP cannot look at a message
   * without consuming it (and a get + requeue would mark it redelivered). Default `AMQP_MANAGEMENT_URL`, else none.
   */
  managementUrl?: string;
}

/** How delayed jobs wait: the plugin's delayed-message exchange, or TTL queues dead-lettering back. */
export type DelayMode = 'delayed-exchange' | 'ttl-queues';

/** Options with defaults applied. */
export interface ResolvedOptions {
  url: string;
  connection: Omit<ConnectionOptions, 'url'>;
  prefix: string;
  exchange: string | undefined;
  routingKey: (queue: string, jobName: string) => string;
  bindings: Readonly<Record<string, readonly string[]>>;
  maxPriority: number;
  pushTimeoutMs: number;
  dedupeWindowMs: number;
  pausePollMs: number;
  holdMs: number;
  delayMode: 'auto' | DelayMode;
  log: ((line: string) => void) | undefined;
  /** The management API: base URL without credentials (`http://host:15672`), its Basic auth header, and the vhost. */
  management: { api: string; authorization: string; vhost: string } | undefined;
}

const DELAY_MODES = ['auto', 'delayed-exchange', 'ttl-queues'] as const;

function int(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `AMQP driver option ${name} must be an integer in [${min}, ${max}], got ${String(value)}.`, {
      details: { option: name, value },
    });
  }
  return value;
}

function name(option: string, value: unknown, fallback: string | undefined): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[\w.:-]{1,100}$/.test(value)) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `AMQP driver option ${option} must be 1-100 letters, digits or '_.:-', got '${String(value)}'.`, {
      details: { option, value },
    });
  }
  return value;
}

function fn<F>(option: string, value: F | undefined): F | undefined {
  if (value === undefined || typeof value === 'function') return value;
  throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `AMQP driver option ${option} must be a function, got ${typeof value}.`, { details: { option } });
}

function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `AMQP driver option ${option} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(value)}'.`, {
      details: { option, value },
    });
  }
  return value as T;
}

/** Validate options and fill defaults; throws ODY_QUEUE_OPTIONS_INVALID (the contract code) naming the bad option. */
export function resolveOptions(o: AmqpDriverOptions = {}): ResolvedOptions {
  const url = o.url ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  if (typeof url !== 'string' || !/^amqps?:\/\//.test(url)) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `AMQP driver option url must start with amqp:// or amqps://, got '${String(url)}'.`, {
      details: { option: 'url' },
    });
  }
  return {
    url,
    connection: o.connection ?? {},
    prefix: name('prefix', o.prefix, 'ody')!,
    exchange: name('exchange', o.exchange, undefined),
    routingKey: o.routingKey ?? ((queue, jobName) => `${queue}.${jobName}`),
    bindings: o.bindings ?? {},
    maxPriority: int('maxPriority', o.maxPriority, 0, 127, 5),
    pushTimeoutMs: int('pushTimeoutMs', o.pushTimeoutMs, 1, 2 ** 31 - 1, 30_000),
    dedupeWindowMs: int('dedupeWindowMs', o.dedupeWindowMs, 1000, 2 ** 31 - 1 - 2 ** 20, 86_400_000),
    pausePollMs: int('pausePollMs', o.pausePollMs, 10, 600_000, 1000),
    holdMs: int('holdMs', o.holdMs, 10, 600_000, 2000),
    delayMode: oneOf('delayMode', o.delayMode, DELAY_MODES, 'auto'),
    log: fn('log', o.log),
    management: management(o.managementUrl ?? process.env.AMQP_MANAGEMENT_URL, url),
  };
}

function management(value: unknown, amqpUrl: string): ResolvedOptions['management'] {
  if (value === undefined || value === '') return undefined;
  let u: URL | undefined;
  try {
    u = typeof value === 'string' && /^https?:\/\//.test(value) ? new URL(value) : undefined;
  } catch {
    u = undefined;
  }
  if (u === undefined) {
    throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', `AMQP driver option managementUrl must be an http:// or https:// URL of the management API, got '${String(value)}'.`, {
      details: { option: 'managementUrl' },
    });
  }
  const amqp = new URL(amqpUrl);
  const user = decodeURIComponent(u.username || amqp.username || 'guest');
  const pass = decodeURIComponent(u.password || amqp.password || 'guest');
  u.username = '';
  u.password = '';
  const vhost = amqp.pathname.length > 1 ? decodeURIComponent(amqp.pathname.slice(1)) : '/';
  return { api: u.toString().replace(/\/+$/, ''), authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`, vhost };
}
