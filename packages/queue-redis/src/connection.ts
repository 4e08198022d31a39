import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { QueueRedisError } from './errors.js';

/** Connection events of a Redis driver. */
export interface ConnectionEvents {
  /** A connection failed or dropped (ODY_QUEUE_REDIS_CONNECTION); the driver keeps reconnecting. */
  error: (error: QueueRedisError) => void;
  /** A connection is about to retry after `delayMs`. */
  reconnecting: (delayMs: number) => void;
  /** A connection is (again) ready; waiting workers resume. */
  ready: () => void;
}

/** Listener sets for ConnectionEvents; errors with no listener are printed once per outage. */
export class ConnectionEmitter {
  private readonly listeners = new Map<keyof ConnectionEvents, Set<(...a: never[]) => void>>();
  private warned = false;

  on<K extends keyof ConnectionEvents>(event: K, fn: ConnectionEvents[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as (...a: never[]) => void);
    return () => set.delete(fn as (...a: never[]) => void);
  }

  emit<K extends keyof ConnectionEvents>(event: K, ...args: Parameters<ConnectionEvents[K]>): void {
    if (event === 'ready') this.warned = false;
    const set = this.listeners.get(event);
    if (!set || set.size === 0) {
      if (event === 'error' && !this.warned) {
        this.warned = true;
        console.warn(`[@ody/queue-redis] ${(args[0] as Error).message}`);
      }
      return;
    }
    for (const fn of set) {
      try {
        (fn as (...a: unknown[]) => void)(...args);
      } catch {
        // a listener's bug must not break the connection handling
      }
    }
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
