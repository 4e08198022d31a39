import { redisDriver } from '@ody/queue-redis';
import { RedisStatusStore } from '../redis/redis-status-store.js';
import type { RedisHandle } from '../../../../test-support/redis-harness.js';
import { type Backend, queuesOn } from './harness.js';

let seq = 0;

/** The Redis queue driver and a Redis status store on its connection, under a prefix no other test uses. */
export async function redisBackend(redis: RedisHandle, options: { maxFinished?: number; retentionMs?: number } = {}): Promise<Backend & { store: RedisStatusStore; prefix: string }> {
  const prefix = `${redis.prefix}c${++seq}`;
  const driver = redisDriver({ url: redis.url, prefix });
  const store = new RedisStatusStore({ client: driver.client, prefix, ...options });
  return {
    driver,
    store,
    prefix,
    queues: queuesOn(driver),
    close: async () => {
      await store.close();
      await driver.close();
    },
  };
}
