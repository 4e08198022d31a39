import { randomBytes } from 'node:crypto';
import * as vitest from 'vitest';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { eventStoreConformance } from '../testing/index.js';
import { redisEventStore } from './index.js';

describeWithRedis('redis event store', (redis) => {
  eventStoreConformance('redis', () => redisEventStore({ url: redis.url, prefix: `${redis.prefix}-${randomBytes(4).toString('hex')}` }), vitest, {
    writers: 50,
    eventsPerWriter: 1000,
  });
});
