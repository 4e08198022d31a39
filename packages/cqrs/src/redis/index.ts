import { Redis, type RedisOptions } from 'ioredis';
import { RedisStatusStore, type RedisStatusStoreOptions } from './redis-status-store.js';

export { RedisStatusStore, type RedisStatusStoreOptions } from './redis-status-store.js';

/**
 * A RedisStatusStore on its own connection to `url` (default `REDIS_URL`, else redis://127.0.0.1:6379),
 * quit by `close()`. With the Redis queue driver, cqrsPlugin builds one on the driver's connection for you.
 * @example
 * const store = redisStatusStore({ url: 'redis://127.0.0.1:6379', retentionMs: 3_600_000 });
 */
export function redisStatusStore(options: Omit<RedisStatusStoreOptions, 'client'> & { url?: string; redis?: RedisOptions } = {}): RedisStatusStore {
  const client = new Redis(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null, lazyConnect: true, ...options.redis });
  const store = new RedisStatusStore({ ...options, client });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await client.quit().catch(() => client.disconnect());
  };
  return store;
}
