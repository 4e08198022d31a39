import type { ConnectionOptions } from '@nats-io/transport-node';
import { QueueError } from '@ody/queue';

/** Options of the NATS JetStream queue driver. */
export interface NatsDriverOptions {
  /** Server URL(s), e.g. 'nats://127.0.0.1:4222'. Default `NATS_URL`, else 127.0.0.1:4222. */
  servers?: string | string[];
  /** Extra @nats-io/transport-node connection options (auth, TLS, name…). */
  connection?: Partial<ConnectionOptions>;
  /** Prefix of every stream, subject and KV bucket: letters, digits and '-' (1-32). Default 'ody'. */
  prefix?: string;
  /**
   * Server-side ack wait of the pull consumers: how long a delivery that nobody acks or extends stays
   * with a dead process before JetStream redelivers it. Raised to the largest lease a claim asks for.
   * Default 30000 (JetStream's own default).
   */
  ackWaitMs?: number;
  /** The work stream's duplicate window (Nats-Msg-Id): a push retried within it is stored once. Default 120000. */
  duplicateWindowMs?: number;
  /** How long a push keeps retrying (connection lost, no acknowledgement) before it fails. Default 10000. */
  pushTimeoutMs?: number;
  /** Timeout of one JetStream request (publish ack, pull, ack-ack). Default 5000. */
  requestTimeoutMs?: number;
  /** Idle claims re-check the server this often (other processes' priorities and delays). Default 1000. */
  pollMs?: number;
  /** JetStream storage of the streams. Default 'file'. */
  storage?: 'file' | 'memory';
  /** Stream replicas (clustered servers). Default 1. */
  replicas?: number;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  servers: string[];
  connection: Partial<ConnectionOptions>;
  prefix: string;
  ackWaitMs: number;
  duplicateWindowMs: number;
  pushTimeoutMs: number;
  requestTimeoutMs: number;
  pollMs: number;
  storage: 'file' | 'memory';
  replicas: number;
}

function invalid(option: string, expected: string, value: unknown): QueueError {
  return new QueueError('ODY_QUEUE_OPTIONS_INVALID', `NATS driver option ${option} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}.`, {
    details: { option, value },
  });
}

function int(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(name, `an integer ≥ ${min}`, value);
  return value;
}

/** Validate options and fill defaults; throws ODY_QUEUE_OPTIONS_INVALID (the contract code) naming the bad option. */
export function resolveOptions(o: NatsDriverOptions): ResolvedOptions {
  const prefix = o.prefix ?? 'ody';
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9-]{1,32}$/.test(prefix)) throw invalid('prefix', "1-32 letters, digits or '-'", prefix);
  const raw = o.servers ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const servers = (Array.isArray(raw) ? raw : String(raw).split(',')).map((s) => String(s).trim()).filter((s) => s !== '');
  if (servers.length === 0) throw invalid('servers', 'a server URL or a list of them', o.servers);
  const storage = o.storage ?? 'file';
  if (storage !== 'file' && storage !== 'memory') throw invalid('storage', "'file' or 'memory'", storage);
  return {
    servers,
    connection: o.connection ?? {},
    prefix,
    ackWaitMs: int('ackWaitMs', o.ackWaitMs, 100, 30_000),
    duplicateWindowMs: int('duplicateWindowMs', o.duplicateWindowMs, 100, 120_000),
    pushTimeoutMs: int('pushTimeoutMs', o.pushTimeoutMs, 0, 10_000),
    requestTimeoutMs: int('requestTimeoutMs', o.requestTimeoutMs, 100, 5_000),
    pollMs: int('pollMs', o.pollMs, 10, 1_000),
    storage,
    replicas: int('replicas', o.replicas, 1, 1),
  };
}
