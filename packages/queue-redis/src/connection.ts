import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { Emitter } from '@ody/core';
import { QueueRedisError } from './errors.js';

/** Connection events of a Redis driver. */
export type ConnectionEvents = {
  /** A connection failed or dropped (ODY_QUEUE_REDIS_CONNECTION); the driver keeps reconnecting. */
  error: (error: QueueRedisError) => void;
  /** A connection is about to retry after `delayMs`. */
  reconnecting: (delayMs: number) => void;
  /** A connection is (again) ready; waiting workers resume. */
  ready: () => void;
};

/**
 * Core's typed emitter for ConnectionEvents (a throwing listener is logged, never breaks reconnects);
 * an 'error' nobody listens to is printed once per outage instead of on every retry.
 */
export class ConnectionEmitter extends Emitter<ConnectionEvents> {
  private warned = false;

  constructor() {
    super({ source: 'redis queue driver' });
  }

  override emit<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): boolean {
    if (event === 'ready') this.warned = false;
    if (event === 'error' && this.listenerCount('error') === 0) {
      if (!this.warned) {
        this.warned = true;
        console.warn(`[@ody/queue-redis] ${(args[0] as Error).message}`);
      }
      return false;
    }
    return super.emit(event, ...args);
  }
}

/** Default ioredis options: commands wait for a reconnect instead of failing after N retries. */
export function baseRedisOptions(extra: RedisOptions = {}): RedisOptions {
  return { maxRetriesPerRequest: null, enableAutoPipelining: false, ...extra };
}

/** Open a client for `url` with the driver's defaults. */
export function openClient(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, baseRedisOptions(extra));
}

/** Open a Cluster client with the driver's defaults on every node connection. */
export function openCluster(nodes: ClusterNode[], options: ClusterOptions = {}, extra: RedisOptions = {}): Cluster {
  return new Cluster(nodes, { ...options, redisOptions: baseRedisOptions({ ...extra, ...options.redisOptions }) });
}

/** A second client like `base` for blocking reads (same nodes and options). */
export function duplicateClient(base: Redis | Cluster, extra: RedisOptions = {}): Redis | Cluster {
  if (base.isCluster) return (base as Cluster).duplicate();
  return (base as Redis).duplicate(baseRedisOptions({ ...extra, connectionName: 'ody-queue-blocking' }));
}

/** Forward a client's connection events to the emitter with messages that say what to do. */
export function watchClient(client: Redis | Cluster, role: string, events: ConnectionEmitter): void {
  client.on('error', (err: Error) => {
    events.emit(
      'error',
      new QueueRedisError(
        'ODY_QUEUE_REDIS_CONNECTION',
        `Redis ${role} connection error: ${err.message}. The driver reconnects; workers pause until Redis answers again.`,
        { cause: err, details: { role } },
      ),
    );
  });
  client.on('reconnecting', (delay: number) => events.emit('reconnecting', delay));
  client.on('ready', () => events.emit('ready'));
}
