import { queueConformance } from '@ody/queue/testing';
import { until } from '@ody/queue/testing';
import { Redis } from 'ioredis';
import * as vitest from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { redisDriver } from './index.js';

// A real (one-node) Redis Cluster: cluster-enabled redis-server owning all 16384 slots. The driver talks
// to it through ioredis Cluster, so cross-slot scripts or unrouted keys would fail here.
describeWithRedis(
  'redis driver on Redis Cluster',
  (redis) => {
    vitest.beforeAll(async () => {
      const admin = new Redis(redis.url);
      try {
        await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
        await until('cluster state ok', async () => /cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO'))));
      } finally {
        admin.disconnect();
      }
    });
    queueConformance(
      'redis cluster',
      () => redisDriver({ cluster: { nodes: [{ host: redis.host, port: redis.port }] }, prefix: redis.prefix }),
      vitest,
    );
  },
  { restartable: true, args: ['--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1'] },
);
