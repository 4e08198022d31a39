import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesystemDriver, type QueueDriver, Queue, Worker } from '@ody/queue';
import { amqpDriver } from '@ody/queue-amqp';
import { natsDriver } from '@ody/queue-nats';
import { redisDriver } from '@ody/queue-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithNats } from '../../../../test-support/nats-harness.js';
import { describeWithRabbit } from '../../../../test-support/rabbitmq-harness.js';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { ody, scaffoldApp } from '../testing/scaffolded.js';

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Push `n` jobs that fail on their one attempt, through a real worker on `driver`; returns their ids. */
async function failJobs(driver: QueueDriver, queue: string, n: number): Promise<string[]> {
  const q = new Queue(queue, { driver });
  const before = (await q.counts()).failed;
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) ids.push((await q.push('send', { to: `user${i}@example.com` }, { attempts: 1 })).id);
  const worker = new Worker(q, () => {
    throw new Error('smtp is down');
  });
  await until(async () => (await q.counts()).failed === before + n);
  await worker.close();
  return ids;
}

/**
 * The same queue:stats / queue:failed session on any cross-process driver: jobs fail in this test
 * process, `ody` (a child process) lists, shows, retries, forgets and flushes them.
 */
function failedStoreSession(args: () => { app: string; extra: string[]; env: NodeJS.ProcessEnv; driver: () => QueueDriver; queue: string }) {
  let driver: QueueDriver;
  let s: ReturnType<typeof args>;
  beforeAll(() => {
    s = args();
    driver = s.driver();
  });
  afterAll(() => driver.close());
  const run = (...a: string[]) => ody(s.app, [...a, ...s.extra], s.env);

  it('list, show, retry (then stats sees it waiting), forget, flush', async () => {
    const [first, second, third] = await failJobs(driver, s.queue, 3);
    const list = await run('--json', 'queue:failed', 'list', s.queue);
    expect(list.status, list.stderr).toBe(0);
    const { jobs } = JSON.parse(list.stdout) as { jobs: Array<{ id: string; name: string; reason: string; error: string }> };
    expect(jobs.map((j) => j.id).sort()).toEqual([first, second, third].sort());
    expect(jobs[0]).toMatchObject({ name: 'send', reason: 'error', error: 'Error: smtp is down' });

    const show = await run('--json', 'queue:failed', 'show', s.queue, first as string);
    expect(show.status, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).job).toMatchObject({ id: first, data: { to: 'user0@example.com' }, errors: [{ attempt: 1, message: 'smtp is down' }] });

    const retry = await run('queue:failed', 'retry', s.queue, first as string);
    expect(retry.status, retry.stderr).toBe(0);
    expect(retry.stdout.trim()).toBe(`retried 1 job of ${s.queue}`);
    // A broker's counts can trail a publish from another connection (RabbitMQ): read until it shows.
    let stats = await run('--json', 'queue:stats', s.queue);
    await until(async () => {
      stats = await run('--json', 'queue:stats', s.queue);
      return stats.status === 0 && JSON.parse(stats.stdout).queues[0]?.waiting === 1;
    }).catch(() => undefined); // the expects below say what it showed
    expect(stats.status, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout).queues).toEqual([expect.objectContaining({ queue: s.queue, waiting: 1, failed: 2 })]);
    const table = await run('queue:stats', s.queue);
    expect(table.stdout).toMatch(new RegExp(`${s.queue}\\s+1\\s+0\\s+0\\s+\\d+\\s+2`));

    const forget = await run('--json', 'queue:failed', 'forget', s.queue, second as string);
    expect(JSON.parse(forget.stdout)).toEqual({ action: 'forget', queue: s.queue, count: 1 });
    const flush = await run('--json', 'queue:failed', 'flush', s.queue);
    expect(JSON.parse(flush.stdout)).toEqual({ action: 'flush', queue: s.queue, count: 1 });
    const empty = await run('queue:failed', 'list', s.queue);
    expect(empty.stdout.trim()).toBe(`no failed jobs in ${s.queue}`);
  }, 180_000);

  it('a missing job id is one line and exit 1; bad usage is one line and exit 2', async () => {
    const missing = await run('queue:failed', 'show', s.queue, 'no-such-job');
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(`ody: No failed job 'no-such-job' in queue '${s.queue}'.`);
    const action = await run('queue:failed', 'explode', s.queue);
    expect(action.status).toBe(2);
    expect(action.stderr.trim()).toBe("ody: Unknown action 'explode'; use list, show, retry, forget or flush.");
    const retryNothing = await run('queue:failed', 'retry', s.queue);
    expect(retryNothing.status).toBe(2);
    expect(retryNothing.stderr.trim().split('\n')).toHaveLength(1);
    const limit = await run('queue:failed', 'list', s.queue, '--limit', 'zero');
    expect(limit.status).toBe(2);
    expect(limit.stderr.trim()).toBe("ody: --limit must be a positive integer, got 'zero'.");
    const noQueue = await run('queue:stats');
    expect(noQueue.status).toBe(2);
    expect(noQueue.stderr.trim().split('\n')[0]).toBe("error: missing required argument 'queue'");
  }, 180_000);
}

describe('ody queue:* on the filesystem driver (the cqrs template, src/app.ts)', () => {
  let app: string;
  beforeAll(() => {
    app = scaffoldApp('cqrs', 'queue-fs', 'shop');
    writeFileSync(
      join(app, 'memory-app.mjs'),
      `import { createApplication } from '@ody/core';
import { queuePlugin } from '@ody/queue';
export const createApp = () => createApplication({ config: { queue: { driver: 'memory' } }, plugins: [queuePlugin()] });
`,
    );
  });
  afterAll(() => rmSync(join(app, '..'), { recursive: true, force: true }));

  failedStoreSession(() => ({ app, extra: [], env: {}, queue: 'mail', driver: () => filesystemDriver({ dir: join(app, 'var', 'queue') }) }));

  it('refuses the memory driver with one clear line and exit 1', async () => {
    for (const args of [['queue:stats', 'mail'], ['queue:failed', 'list', 'mail']]) {
      const out = await ody(app, [...args, '--app', 'memory-app.mjs']);
      expect(out.status).toBe(1);
      expect(out.stderr.trim()).toMatch(/^ody: The app's queue driver is 'memory': its jobs live inside the app's own process/);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 120_000);

  it('--help on queue:stats and queue:failed', async () => {
    const stats = await ody(app, ['queue:stats', '--help']);
    expect(stats.status).toBe(0);
    expect(stats.stdout).toContain('Usage: ody queue:stats [options] <queue...>');
    const failed = await ody(app, ['queue:failed', '--help']);
    expect(failed.status).toBe(0);
    expect(failed.stdout).toContain('Usage: ody queue:failed [options] <action> <queue> [ids...]');
    expect(failed.stdout).toContain('--limit <n>');
  }, 120_000);
});

describeWithRedis('ody queue:* on the Redis driver (--app redis-app.mjs)', (redis) => {
  let app: string;
  beforeAll(() => {
    app = scaffoldApp('cqrs', 'queue-redis', 'shop');
    writeFileSync(
      join(app, 'redis-app.mjs'),
      `import { createApplication } from '@ody/core';
import { queuePlugin } from '@ody/queue';
import { amqpDriver } from '@ody/queue-amqp';
import { natsDriver } from '@ody/queue-nats';
import { redisDriver } from '@ody/queue-redis';
export const createApp = () =>
  createApplication({ plugins: [queuePlugin({ driver: redisDriver({ url: process.env.TEST_REDIS_URL, prefix: process.env.TEST_REDIS_PREFIX }) })] });
`,
    );
  });
  afterAll(() => rmSync(join(app, '..'), { recursive: true, force: true }));

  failedStoreSession(() => ({
    app,
    extra: ['--app', 'redis-app.mjs'],
    env: { TEST_REDIS_URL: redis.url, TEST_REDIS_PREFIX: `${redis.prefix}cli` },
    queue: 'mail',
    driver: () => redisDriver({ url: redis.url, prefix: `${redis.prefix}cli` }),
  }));
});

describeWithRabbit('ody queue:* on the RabbitMQ driver (--app amqp-app.mjs)', (rabbit) => {
  let app: string;
  beforeAll(() => {
    app = scaffoldApp('cqrs', 'queue-amqp', 'shop');
    writeFileSync(
      join(app, 'amqp-app.mjs'),
      `import { createApplication } from '@ody/core';
import { queuePlugin } from '@ody/queue';
import { amqpDriver } from '@ody/queue-amqp';
export const createApp = () =>
  createApplication({ plugins: [queuePlugin({ driver: amqpDriver({ url: process.env.TEST_AMQP_URL, prefix: process.env.TEST_AMQP_PREFIX }) })] });
`,
    );
  });
  afterAll(() => rmSync(join(app, '..'), { recursive: true, force: true }));

  failedStoreSession(() => ({
    app,
    extra: ['--app', 'amqp-app.mjs'],
    env: { TEST_AMQP_URL: rabbit.url, TEST_AMQP_PREFIX: `${rabbit.prefix}cli` },
    queue: 'mail',
    driver: () => amqpDriver({ url: rabbit.url, prefix: `${rabbit.prefix}cli` }),
  }));
});

describeWithNats('ody queue:* on the NATS JetStream driver (--app nats-app.mjs)', (nats) => {
  let app: string;
  beforeAll(() => {
    app = scaffoldApp('cqrs', 'queue-nats', 'shop');
    writeFileSync(
      join(app, 'nats-app.mjs'),
      `import { createApplication } from '@ody/core';
import { queuePlugin } from '@ody/queue';
import { natsDriver } from '@ody/queue-nats';
export const createApp = () =>
  createApplication({ plugins: [queuePlugin({ driver: natsDriver({ servers: process.env.TEST_NATS_URL, prefix: process.env.TEST_NATS_PREFIX }) })] });
`,
    );
  });
  afterAll(() => rmSync(join(app, '..'), { recursive: true, force: true }));

  failedStoreSession(() => ({
    app,
    extra: ['--app', 'nats-app.mjs'],
    env: { TEST_NATS_URL: nats.url, TEST_NATS_PREFIX: nats.prefix },
    queue: 'mail',
    driver: () => natsDriver({ servers: nats.url, prefix: nats.prefix }),
  }));
});
