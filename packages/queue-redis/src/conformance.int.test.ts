import { queueConformance } from '@ody/queue/testing';
import * as vitest from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { redisDriver } from './index.js';

describeWithRedis('redis driver', (redis) => {
  queueConformance('redis', () => redisDriver({ url: redis.url, prefix: redis.prefix }), vitest);
});
