import { Queue } from '@ody/queue';
import { expect, it, vi } from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { redisDriver } from './index.js';

// Regression: failures settled by separate script calls in the same millisecond tied on their
// failed-store score, and Redis then ordered them by job id, so "newest kept" retention could drop
// the wrong job and failed.list() came back out of order.
describeWithRedis('failed store order', (redis) => {
  it('keeps failure order for failures in one millisecond settled by separate calls', async () => {
    const driver = redisDriver({ url: redis.url, prefetch: false });
    try {
      const queue = new Queue(`${redis.prefix}-failorder`, { driver });
      // Ids that sort opposite to the failure order, so a tie broken by id shows up.
      await queue.push('n', 1, { jobId: 'z-fails-first' });
      await queue.push('n', 2, { jobId: 'a-fails-second' });
      const claimed = await driver.claim(queue.name, { max: 2, leaseMs: 10_000, waitMs: 0 });
      const byId = new Map(claimed.map((j) => [j.id, j]));
      expect([...byId.keys()].sort()).toEqual(['a-fails-second', 'z-fails-first']);
      const error = (attempt: number) => ({ attempt, name: 'Error', message: 'boom', at: 1 });
      const frozen = Date.now();
      const clock = vi.spyOn(Date, 'now').mockReturnValue(frozen);
      try {
        expect(await driver.fail(queue.name, byId.get('z-fails-first')!, 'error', error(1))).toBe(true);
        expect(await driver.fail(queue.name, byId.get('a-fails-second')!, 'error', error(1))).toBe(true);
      } finally {
        clock.mockRestore();
      }
      const failed = await queue.failed.list();
      expect(failed.map((f) => f.id)).toEqual(['z-fails-first', 'a-fails-second']);
    } finally {
      await driver.close();
    }
  });
});
