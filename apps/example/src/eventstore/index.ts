import { type AsyncProjection, eventStorePlugin, MemoryCheckpointStore } from '@ody/eventsourcing';

/**
 * The example's event store, picked by config `eventstore.driver` / env `ODY_EVENTSTORE_DRIVER`:
 * `file` (default: durable, embedded, under `var/events`, no server), `memory`, `postgres`
 * (`DATABASE_URL`, schema `eventstore`; NOTIFY wakes projections in every process at once) or `redis`
 * (`REDIS_URL`). The PostgreSQL and Redis stores are imported only when chosen, so `pg` / `ioredis`
 * load only then. The read models live in memory, so their checkpoints do too: each start replays.
 */
export const exampleEventStore = (projections: readonly AsyncProjection[]) =>
  eventStorePlugin({
    projections,
    checkpoints: new MemoryCheckpointStore(),
    postgres: async (c) => (await import('@ody/eventsourcing/postgres')).postgresEventStore({ connectionString: c.url, schema: c.schema, notify: true }),
    redis: async (c) => (await import('@ody/eventsourcing/redis')).redisEventStore({ url: c.url, prefix: c.prefix }),
  });
