import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { describeWithRedis, useRedis } from '../../../test-support/redis-harness.js';
import { redisDriver } from './index.js';
import { KEY_NAMES } from './keys.js';
import { keySlot } from './fixtures/crc16.js';

describeWithRedis('redis driver keys', (redis) => {
  // A cluster-enabled redis-server only to ask it CLUSTER KEYSLOT (no slots assigned, no data).
  const clusterNode = useRedis({ restartable: true, args: ['--cluster-enabled', 'yes'] });

  it('computes Redis Cluster slots like a cluster node does', async () => {
    const node = new Redis(clusterNode.url);
    try {
      for (const key of ['123456789', '{user1000}.following', 'foo{}{bar}', 'foo{{bar}}zap', 'ody:{emails}:ready', 'x']) {
        expect(keySlot(key), key).toBe(Number(await node.cluster('KEYSLOT', key)));
      }
    } finally {
      node.disconnect();
    }
  });

  it('puts every key of a queue in one hash slot, whatever state its jobs reach', async () => {
    const prefix = `${redis.prefix}slot`;
    const driver = redisDriver({ url: redis.url, prefix, completed: { count: 10 } });
    const client = new Redis(redis.url);
    try {
      const queue = new Queue('emails', { driver });
      await queue.push('ok', 1);
      await queue.push('later', 2, { delayMs: 60_000, priority: 3 });
      await queue.push('bad', 3, { attempts: 2, backoff: 1 });
      await queue.push('dup', 4, { jobId: 'fixed-id' });
      let settled = 0;
      const worker = new Worker<number>(queue, (job) => {
        settled++;
        if (job.data === 3) throw new Error('boom');
      }, { recoverIntervalMs: 20, leaseMs: 1000 });
      await until('jobs settled', async () => (await queue.counts()).failed === 1 && (await queue.counts()).completed === 2);
      await queue.pause();
      await worker.close();
      expect(settled).toBeGreaterThanOrEqual(4);
      await driver.recover('emails', 1);
      const keys = await client.keys(`${prefix}:*`);
      const roles = keys.map((k) => k.slice(`${prefix}:{emails}:`.length)).sort();
      expect(roles).toEqual(expect.arrayContaining(['delayed', 'failed', 'finfo', 'fjobs', 'jobs', 'paused', 'seq', 'stats', 'completed', 'done', 'extra']));
      for (const role of roles) expect(KEY_NAMES as readonly string[]).toContain(role);
      const slots = new Set(keys.map(keySlot));
      expect(slots).toEqual(new Set([keySlot('emails')]));
      expect(new Set(driver.keys('emails').map(keySlot)).size).toBe(1);
    } finally {
      await driver.close();
      client.disconnect();
    }
  });
});
