import { join } from 'node:path';
import { definePlugin, type PluginContext, z } from '@ody/core';
import { FileCheckpointStore } from '../file/checkpoints.js';
import { fileEventStore } from '../file/store.js';
import { EventSourcingError } from '../errors.js';
import { memoryEventStore } from '../memory/store.js';
import { type AsyncProjection, ProjectionRunner } from '../projections/async.js';
import { type CheckpointStore, MemoryCheckpointStore } from '../projections/checkpoints.js';
import type { EventStore as Store } from '../store/types.js';
import { EventStore, Projections } from '../tokens.js';

/** Config section `eventstore` (env `ODY_EVENTSTORE_<KEY>`). */
export const eventStoreConfigSchema = z.object({
  /** Which store: the durable embedded file store (default), memory, PostgreSQL or Redis (pass the `postgres` / `redis` factory in code). */
  driver: z.enum(['file', 'memory', 'postgres', 'redis']).default('file'),
  /** Directory of the file store (its projection checkpoints live in `<dir>/checkpoints`). */
  dir: z.string().min(1).default('var/events'),
  /** Connection URL: PostgreSQL for driver `postgres` (default: `DATABASE_URL`), Redis for driver `redis` (default: `REDIS_URL`). */
  url: z.string().min(1).optional(),
  /** Key prefix of the Redis store (every key is `{<prefix>}:…`). */
  prefix: z.string().min(1).default('ody-es'),
  /** PostgreSQL schema of the store. */
  schema: z.string().min(1).default('eventstore'),
  /** Poll for other processes' appends this often (async projections). */
  pollMs: z.number().int().positive().default(500),
});

/** The validated `eventstore` config. */
export type EventStoreConfig = z.output<typeof eventStoreConfigSchema>;

/** What the plugin is given in code. */
/**
 * Options of eventStorePlugin: code (store factories, projections, checkpoints) and any key of the
 * `eventstore` config section (`driver`, `dir`, `pollMs`…), which config and then env override.
 */
export interface EventStorePluginOptions extends Partial<z.input<typeof eventStoreConfigSchema>> {
  /** Use this store (or build it) instead of the configured driver. */
  store?: Store | ((config: EventStoreConfig) => Store | Promise<Store>);
  /**
   * Builds the PostgreSQL store when `driver` is `postgres` — pass it from `@ody/eventsourcing/postgres`
   * so `pg` is only loaded by apps that use it:
   * `postgres: (c) => postgresEventStore({ connectionString: c.url, schema: c.schema })`.
   */
  postgres?: (config: EventStoreConfig & { url: string }) => Promise<Store & { pool?: unknown }>;
  /**
   * Builds the Redis store when `driver` is `redis` — pass it from `@ody/eventsourcing/redis` so
   * `ioredis` is only loaded by apps that use it:
   * `redis: (c) => redisEventStore({ url: c.url, prefix: c.prefix })` (`c.url` defaults to `REDIS_URL`).
   */
  redis?: (config: EventStoreConfig & { url: string }) => Store | Promise<Store>;
  /** Async projections to run in this process (a supervised loop each). */
  projections?: readonly AsyncProjection[];
  /** Where their checkpoints live (default: files beside the file store, memory for memory). */
  checkpoints?: CheckpointStore | ((store: Store, config: EventStoreConfig) => CheckpointStore);
}

function configOptions(options: EventStorePluginOptions): Partial<z.input<typeof eventStoreConfigSchema>> {
  const { store: _s, postgres: _p, redis: _r, projections: _j, checkpoints: _c, ...settings } = options;
  return settings;
}

async function openStore(options: EventStorePluginOptions, config: EventStoreConfig): Promise<Store> {
  if (options.store !== undefined) return typeof options.store === 'function' ? options.store(config) : options.store;
  if (config.driver === 'memory') return memoryEventStore();
  if (config.driver === 'file') return fileEventStore({ dir: config.dir });
  if (config.driver === 'redis') {
    if (options.redis === undefined) {
      throw new EventSourcingError(
        'ODY_EVENTSOURCING_INVALID_ARGUMENT',
        "eventstore.driver is 'redis' but no `redis` factory was passed to eventStorePlugin() (import redisEventStore from '@ody/eventsourcing/redis').",
      );
    }
    return options.redis({ ...config, url: config.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  }
  const url = config.url ?? process.env.DATABASE_URL;
  if (options.postgres === undefined || url === undefined) {
    throw new EventSourcingError(
      'ODY_EVENTSOURCING_INVALID_ARGUMENT',
      `eventstore.driver is 'postgres' but ${options.postgres === undefined ? "no `postgres` factory was passed to eventStorePlugin() (import postgresEventStore from '@ody/eventsourcing/postgres')" : 'no eventstore.url or DATABASE_URL is set'}.`,
    );
  }
  return options.postgres({ ...config, url });
}

function checkpointsFor(options: EventStorePluginOptions, store: Store, config: EventStoreConfig): CheckpointStore {
  if (options.checkpoints !== undefined) return typeof options.checkpoints === 'function' ? options.checkpoints(store, config) : options.checkpoints;
  if (store.name === 'file') return new FileCheckpointStore(join(config.dir, 'checkpoints'));
  if (store.name === 'memory') return new MemoryCheckpointStore();
  throw new EventSourcingError(
    'ODY_EVENTSOURCING_INVALID_ARGUMENT',
    `Async projections on the '${store.name}' store need \`checkpoints\` (for PostgreSQL: (store) => new PostgresCheckpointStore(store.pool, { schema })).`,
  );
}

/**
 * Binds the event store (`EventStore` token), runs async projections, and closes both at shutdown.
 * @example
 * createApplication({ plugins: [eventStorePlugin({ projections: [ordersView] })], config: { eventstore: { dir: './var/events' } } });
 */
export const eventStorePlugin = (options: EventStorePluginOptions = {}) =>
  definePlugin({
    name: 'eventstore',
    configSchema: eventStoreConfigSchema,
    // Config-shaped options: defaults < these < config < env.
    options: configOptions(options),
    async register(ctx: PluginContext<EventStoreConfig>) {
      const store = await openStore(options, ctx.config);
      ctx.bind(EventStore).toValue(store);
      const runners = new Map<string, ProjectionRunner>();
      if ((options.projections ?? []).length > 0) {
        const checkpoints = checkpointsFor(options, store, ctx.config);
        for (const p of options.projections ?? []) {
          runners.set(
            p.name,
            new ProjectionRunner(p, { store, checkpoints, pollMs: ctx.config.pollMs, onError: (err, event) => ctx.logger.warn({ err, projection: p.name, position: event?.globalPosition }, event ? 'event dead-lettered' : 'projection loop error, retrying') }),
          );
        }
      }
      ctx.bind(Projections).toValue(runners);
      ctx.logger.debug({ store: store.name, projections: [...runners.keys()] }, 'event store ready');
    },
    boot(ctx) {
      for (const r of ctx.get(Projections).values()) r.start();
    },
    async shutdown(ctx) {
      await Promise.all([...ctx.get(Projections).values()].map((r) => r.stop()));
      await ctx.get(EventStore).close();
    },
  });
