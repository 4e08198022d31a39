import { createServer } from 'node:net';
import { type Codec, Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { OdyError, createApplication } from '@ody/core';
import { QueueDriver, queuePlugin, Queues } from '@ody/queue';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { QueueRedisError, redisDriver, redisDriverFactory } from './index.js';

const bytesCodec: Codec = {
  name: 'bytes',
  encode: (v) => new Uint8Array(v as number[]),
  decode: (d) => [...(typeof d === 'string' ? Buffer.from(d) : d)],
};

describeWithRedis('redis driver specifics', (redis) => {
  const q = (tag: string) => `${redis.prefix}-${tag}`;

  it('keeps completed jobs by count, then by age, and failed jobs by count (newest kept)', async () => {
    const client = new Redis(redis.url);
    const byCount = redisDriver({ url: redis.url, completed: { count: 3 }, failed: { count: 2 } });
    const byAge = redisDriver({ url: redis.url, completed: { ageMs: 150 } });
    try {
      const queue = new Queue(q('keep'), { driver: byCount });
      await queue.pushBulk(Array.from({ length: 10 }, (_, i) => ({ name: i < 5 ? 'ok' : 'bad', payload: i })));
      const w = new Worker<number>(queue, (job) => {
        if (job.name === 'bad') throw new Error(`bad ${job.data}`);
      });
      await until('all settled', async () => {
        const c = await queue.counts();
        return c.completed === 5 && c.waiting === 0 && c.active === 0;
      });
      await w.close();
      const keys = byCount.keys(queue.name);
      const done = await client.zrange(keys[9]!, 0, -1);
      expect(done).toHaveLength(3);
      expect(await client.hlen(keys[10]!)).toBe(3);
      const failed = await queue.failed.list();
      expect(failed.map((f) => f.payload)).toEqual([8, 9]);
      expect(failed[1]).toMatchObject({ reason: 'error', attemptsMade: 1, errors: [{ message: 'bad 9', attempt: 1 }] });

      const aged = new Queue(q('aged'), { driver: byAge });
      const w2 = new Worker(aged, () => undefined);
      await aged.push('a', 1);
      await until('first done', async () => (await aged.counts()).completed === 1);
      await new Promise((r) => setTimeout(r, 250));
      await aged.push('b', 2);
      await until('second done', async () => (await aged.counts()).completed === 2);
      await w2.close();
      expect(await client.zcard(byAge.keys(aged.name)[9]!)).toBe(1);
    } finally {
      await byCount.close();
      await byAge.close();
      client.disconnect();
    }
  });

  it('round-trips binary payloads and survives SCRIPT FLUSH (scripts reload on NOSCRIPT)', async () => {
    const client = new Redis(redis.url);
    const driver = redisDriver({ url: redis.url });
    try {
      const queue = new Queue(q('bin'), { driver, codec: bytesCodec });
      await queue.push('b', [0, 255, 10, 13, 128]);
      await client.script('FLUSH');
      const got = new Promise<unknown>((resolve) => {
        new Worker(queue, (job) => resolve(job.data)).on('completed', () => {});
      });
      expect(await got).toEqual([0, 255, 10, 13, 128]);
      await client.script('FLUSH');
      expect(await queue.push('b', [1])).toMatchObject({ added: true });
    } finally {
      await driver.close();
      client.disconnect();
    }
  });

  it('sends a corrupt or missing job record to the failed store with the reason', async () => {
    const client = new Redis(redis.url);
    const driver = redisDriver({ url: redis.url });
    try {
      const queue = new Queue(q('corrupt'), { driver });
      const { id: broken } = await queue.push('x', 1);
      const { id: gone } = await queue.push('x', 2);
      const jobsKey = driver.keys(queue.name)[3]!;
      await client.hset(jobsKey, broken, '{"k":999999,"n":"x"');
      await client.hdel(jobsKey, gone);
      const w = new Worker(queue, () => undefined);
      await until('both failed', async () => (await queue.counts()).failed === 2);
      await w.close();
      const failed = await queue.failed.get(broken);
      expect(failed).toMatchObject({ reason: 'corrupt', data: undefined });
      expect(failed!.errors[0]!.message).toContain('no header line');
      expect((await queue.failed.get(gone))!.errors[0]!.message).toContain('missing');
    } finally {
      await driver.close();
      client.disconnect();
    }
  });

  it('surfaces connection errors as events, never as unhandled rejections; an aborted claim returns []', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const driver = redisDriver({ url: `redis://127.0.0.1:${port}`, redis: { retryStrategy: () => 50 } });
    const errors: unknown[] = [];
    driver.on('error', (e) => errors.push(e));
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const abort = new AbortController();
      const claim = driver.claim(q('down'), { max: 1, leaseMs: 1000, waitMs: 10_000, signal: abort.signal });
      await until('an error event', () => errors.length > 0);
      abort.abort();
      expect(await claim).toEqual([]);
      const first = errors[0] as QueueRedisError;
      expect(OdyError.is(first, 'ODY_QUEUE_REDIS_CONNECTION')).toBe(true);
      expect(first.message).toMatch(/ECONNREFUSED.*reconnects/);
    } finally {
      await driver.close();
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    await expect(driver.counts('x')).rejects.toMatchObject({ code: 'ODY_QUEUE_CLOSED' });
  });

  it('acks and claims the next job in one script; a prefetched job nobody takes goes back to ready without a stall', async () => {
    const client = new Redis(redis.url);
    const held = redisDriver({ url: redis.url, prefetchHoldMs: 400 });
    const observer = redisDriver({ url: redis.url });
    try {
      const name = q('prefetch');
      const queue = new Queue(name, { driver: held });
      await queue.pushBulk([1, 2, 3].map((n) => ({ name: 'n', payload: n })));
      const [first] = await held.claim(name, { max: 1, leaseMs: 5000, waitMs: 0 });
      await client.config('RESETSTAT');
      expect(await held.complete(name, first!)).toBe(true);
      const [second] = await held.claim(name, { max: 1, leaseMs: 5000, waitMs: 0 });
      expect(JSON.parse(second!.data as string)).toBe(2);
      const stats = await client.info('commandstats');
      const calls = Number(stats.match(/cmdstat_evalsha:calls=(\d+)/)?.[1] ?? 0) + Number(stats.match(/cmdstat_eval:calls=(\d+)/)?.[1] ?? 0);
      expect(calls, 'one script call for ack + next claim').toBe(1);
      expect(await observer.counts(name)).toMatchObject({ waiting: 1, active: 1, completed: 1 });
      expect(await held.complete(name, second!)).toBe(true);
      // Job 3 was prefetched by that ack too; nobody claims it, so it returns to ready, stall-free.
      await until('held job released', async () => (await observer.counts(name)).waiting === 1);
      const [third] = await observer.claim(name, { max: 1, leaseMs: 5000, waitMs: 0 });
      expect(third).toMatchObject({ stalls: 0, attemptsMade: 0 });
      expect(JSON.parse(third!.data as string)).toBe(3);
    } finally {
      await held.close();
      await observer.close();
      client.disconnect();
    }
  });

  it('runs one recovery pass per lock window across drivers (SET NX PX), then the next', async () => {
    const a = redisDriver({ url: redis.url, recoverLockMs: 1000, recoverBatch: 1 });
    const b = redisDriver({ url: redis.url, recoverLockMs: 1000, recoverBatch: 1 });
    try {
      const name = q('lock');
      await new Queue(name, { driver: a }).pushBulk([{ name: 'n', payload: 1 }, { name: 'n', payload: 2 }]);
      const claimed = await a.claim(name, { max: 2, leaseMs: 50, waitMs: 0 });
      expect(claimed).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 80));
      const first = await a.recover(name, 5);
      expect(first.stalled).toHaveLength(1);
      // Another worker's pass inside the window does nothing, although a lease is still expired.
      expect(await b.recover(name, 5)).toEqual({ stalled: [], failed: [] });
      expect((await b.counts(name)).active).toBe(1);
      let second: string[] = [];
      await until('the next window recovers the other job', async () => {
        second = (await b.recover(name, 5)).stalled;
        return second.length === 1;
      });
      expect(new Set([...first.stalled, ...second])).toEqual(new Set(claimed.map((j) => j.id)));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('rejects with ODY_QUEUE_REDIS_SCRIPT naming the script when Redis refuses it', async () => {
    const client = new Redis(redis.url);
    const driver = redisDriver({ url: redis.url });
    try {
      const name = q('wrongtype');
      await client.set(driver.keys(name)[0]!, 'not a sorted set');
      const err = await driver.claim(name, { max: 1, leaseMs: 1000, waitMs: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueRedisError);
      expect(err).toMatchObject({ code: 'ODY_QUEUE_REDIS_SCRIPT' });
      expect((err as Error).message).toMatch(/odySettle.*WRONGTYPE/);
    } finally {
      await driver.close();
      client.disconnect();
    }
  });

  it('rejects bad options with a typed error naming the option', () => {
    expect(() => redisDriver({ url: redis.url, recoverLockMs: -1 })).toThrow(/recoverLockMs/);
    expect(() => redisDriver({ url: redis.url, prefix: 'a{b}' })).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
    expect(() => redisDriver({ url: redis.url, completed: { count: 1.5 } })).toThrow(/completed\.count/);
    expect(() => redisDriver({ url: redis.url, prefetchHoldMs: 0 })).toThrow(/prefetchHoldMs/);
  });

  it("is the queue plugin's driver with queuePlugin({ drivers: { redis: redisDriverFactory } }), ODY_QUEUE_DRIVER=redis and its section queue.redis (ODY_QUEUE_REDIS_URL)", async () => {
    const app = await createApplication({
      plugins: [queuePlugin({ drivers: { redis: redisDriverFactory } })],
      config: { queue: { redis: { prefix: `${redis.prefix}app` } } },
      env: { ODY_QUEUE_DRIVER: 'redis', ODY_QUEUE_REDIS_URL: redis.url },
      envFile: false,
    });
    await app.start();
    try {
      const queues = app.get(Queues);
      expect(queues.driver.name).toBe('redis');
      const seen = new Promise<unknown>((resolve) => queues.process<{ n: number }>(q('app'), (job) => resolve(job.data)));
      await queues.queue<{ n: number }>(q('app')).push('hello', { n: 1 });
      expect(await seen).toEqual({ n: 1 });
    } finally {
      await app.stop();
    }
  });

  it('is not registered by importing the package: a plain queuePlugin does not know the name redis', async () => {
    const app = await createApplication({ plugins: [queuePlugin()], config: { app: { logLevel: 'silent' } }, env: { ODY_QUEUE_DRIVER: 'redis' }, envFile: false });
    const err = await app.start().then(() => undefined, (e: unknown) => e as { cause?: { code?: string } });
    expect(err?.cause?.code).toBe('ODY_QUEUE_DRIVER_UNKNOWN');
  });

  it('is a value passed to queuePlugin({ driver: redisDriver({ url }) })', async () => {
    const driver = redisDriver({ url: redis.url, prefix: `${redis.prefix}value` });
    const app = await createApplication({ plugins: [queuePlugin({ driver })], config: { app: { logLevel: 'silent' } }, env: {}, envFile: false });
    await app.start();
    try {
      expect(app.get(QueueDriver)).toBe(driver);
    } finally {
      await app.stop();
    }
  });
}, { private: true }); // counts commands with INFO commandstats: needs a server nobody else uses
