import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import ioredis from 'ioredis';
import { expect, it } from 'vitest';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { ProjectionRunner } from '../projections/async.js';
import { MemoryCheckpointStore } from '../projections/checkpoints.js';
import { until } from '../testing/api.js';
import { redisEventStore } from './index.js';

const fixtures = join(import.meta.dirname, '../fixtures');

/** Another process appends `count` events to the store under `prefix`; resolves when it exited 0. */
function appendFromAnotherProcess(url: string, prefix: string, count: number): Promise<void> {
  const child = fork(join(fixtures, 'redis-appender.ts'), [url, prefix, String(count)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`appender exited ${code}`)))));
}

describeWithRedis('redis event store: cross-process wake-ups', (redis) => {
  it("wakes a projection in this process on another process's appends (its poll is an hour away)", async () => {
    const prefix = `${redis.prefix}-wake-${randomBytes(4).toString('hex')}`;
    const store = redisEventStore({ url: redis.url, prefix });
    const admin = new ioredis.Redis(redis.url);
    const seen: number[] = [];
    const runner = new ProjectionRunner(
      { name: 'remote', handle: (events) => void seen.push(...events.map((e) => e.globalPosition)) },
      { store, checkpoints: new MemoryCheckpointStore(), pollMs: 3_600_000 },
    );
    try {
      runner.start();
      // The store subscribes with its first listener; appends before the SUBSCRIBE lands would only be polled.
      await until('the store subscribed', async () => ((await admin.pubsub('NUMSUB', `{${prefix}}:appended`)) as [string, number])[1] === 1);
      await appendFromAnotherProcess(redis.url, prefix, 5);
      await until('projected without a poll', () => seen.length === 5, 20_000);
      expect(seen).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await runner.stop();
      await store.close();
      const keys = await admin.keys(`{${prefix}}:*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    }
  });
});
