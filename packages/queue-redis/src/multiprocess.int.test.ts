import type { ChildProcess } from 'node:child_process';
import { Queue } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { redisDriver } from './index.js';
import { killChild, startWorkerChild, stopChild } from './fixtures/children.js';

interface Record {
  id: string;
  tag: string;
  at: number;
}

async function records(client: Redis, key: string): Promise<Record[]> {
  const flat = await client.zrange(key, 0, -1, 'WITHSCORES');
  const out: Record[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const [id, tag] = flat[i]!.split(' ');
    out.push({ id: id!, tag: tag!, at: Number(flat[i + 1]) });
  }
  return out;
}

/** Every job acked at most once, and no handler started after the job's ack. */
async function checkAcks(client: Redis, queue: string, ids: readonly string[]): Promise<void> {
  const acks = await records(client, `${queue}:acks`);
  const runs = await records(client, `${queue}:runs`);
  const ackOf = new Map<string, Record>();
  for (const a of acks) {
    expect(ackOf.has(a.id), `job ${a.id} acknowledged twice`).toBe(false);
    ackOf.set(a.id, a);
  }
  for (const r of runs) {
    const a = ackOf.get(r.id);
    if (a) expect(r.at <= a.at, `job ${r.id} ran again (${r.tag}) after its ack (${a.tag})`).toBe(true);
  }
  const ran = new Set(runs.map((r) => r.id));
  for (const id of ids) expect(ran.has(id), `job ${id} never ran`).toBe(true);
}

const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...children].map((c) => killChild(c)));
  children.clear();
});

describeWithRedis('redis driver with worker processes', (redis) => {
  it('SIGKILL rounds: every job completes, none is acked twice or runs after its ack', async () => {
    const name = `${redis.prefix}-kill`;
    const client = new Redis(redis.url);
    const driver = redisDriver({ url: redis.url });
    try {
      const queue = new Queue(name, { driver });
      const total = 300;
      const pushed = await queue.pushBulk(Array.from({ length: total }, (_, i) => ({ name: 'n', payload: i })));
      const ids = pushed.map((p) => p.id);
      const spawn = async (tag: string) => {
        const c = await startWorkerChild({ url: redis.url, queue: name, concurrency: 4, leaseMs: 600, handlerMs: 8, tag });
        children.add(c);
        return c;
      };
      let live = await Promise.all(['w0', 'w1', 'w2'].map(spawn));
      for (let round = 0; round < 4; round++) {
        await until(`round ${round} progress`, async () => (await queue.counts()).completed >= (round + 1) * 40, 20_000);
        const victim = live[0]!;
        await killChild(victim, 'SIGKILL');
        live = [...live.slice(1), await spawn(`r${round}`)];
      }
      await until('all completed', async () => (await queue.counts()).completed === total, 40_000);
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: total, failed: 0 });
      await checkAcks(client, name, ids);
      for (const c of live) expect(c.exitCode, 'a worker process crashed').toBeNull();
    } finally {
      await driver.close();
      client.disconnect();
    }
  }, 120_000);
});

describeWithRedis('redis driver across a Redis restart', (redis) => {
  it('workers pause while Redis is down and resume after; nothing is lost or acked twice', async () => {
    const name = `${redis.prefix}-restart`;
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    const driver = redisDriver({ url: redis.url });
    driver.on('error', () => {});
    try {
      const queue = new Queue(name, { driver });
      const total = 300;
      const pushed = await queue.pushBulk(Array.from({ length: total }, (_, i) => ({ name: 'n', payload: i })));
      const workers = await Promise.all(
        ['a', 'b'].map(async (tag) => {
          const c = await startWorkerChild({ url: redis.url, queue: name, concurrency: 3, leaseMs: 3000, handlerMs: 10, tag });
          children.add(c);
          return c;
        }),
      );
      await until('some progress', async () => (await queue.counts()).completed >= 60, 20_000);
      await redis.restart({ kill: true, downMs: 700 });
      await until('all completed after the restart', async () => (await queue.counts()).completed === total, 40_000);
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: total, failed: 0 });
      await checkAcks(client, name, pushed.map((p) => p.id));
      const reports = await Promise.all(workers.map((c) => stopChild(c)));
      for (const r of reports) {
        expect(r, 'worker exited cleanly with a report').toBeDefined();
        expect(r!.connectionErrors, 'the outage surfaced as connection error events').toBeGreaterThan(0);
      }
    } finally {
      await driver.close();
      client.disconnect();
    }
  }, 120_000);
}, { persistence: 'aof', restartable: true });

describeWithRedis('redis driver with a frozen worker', (redis) => {
  it('SIGSTOP: the lease expires, another worker recovers and completes the job; the thawed worker cannot ack it', async () => {
    const name = `${redis.prefix}-frozen`;
    const client = new Redis(redis.url);
    const driver = redisDriver({ url: redis.url });
    try {
      const queue = new Queue(name, { driver });
      const frozen = await startWorkerChild({ url: redis.url, queue: name, concurrency: 1, leaseMs: 400, handlerMs: 1500, tag: 'frozen' });
      children.add(frozen);
      const { id } = await queue.push('slow', 1);
      await until('frozen worker started the job', async () => (await records(client, `${name}:runs`)).length === 1);
      frozen.kill('SIGSTOP');
      const rescuer = await startWorkerChild({ url: redis.url, queue: name, concurrency: 1, leaseMs: 5000, handlerMs: 10, tag: 'rescuer' });
      children.add(rescuer);
      await until('rescuer acked the job', async () => (await records(client, `${name}:acks`)).some((a) => a.tag === 'rescuer'), 20_000);
      frozen.kill('SIGCONT');
      // Let the thawed worker finish its handler (1.5 s) and try to settle the job it no longer holds.
      await until('thawed worker finished its run', async () => {
        const counts = await queue.counts();
        return counts.completed === 1 && counts.active === 0;
      });
      await new Promise((r) => setTimeout(r, 1800));
      const acks = await records(client, `${name}:acks`);
      expect(acks.map((a) => a.tag)).toEqual(['rescuer']);
      const runs = await records(client, `${name}:runs`);
      expect(runs.map((r) => r.tag)).toEqual(['frozen', 'rescuer']);
      expect(runs.every((r) => r.id === id)).toBe(true);
      expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 1, failed: 0 });
      expect(frozen.exitCode, 'the thawed worker is still alive').toBeNull();
    } finally {
      await driver.close();
      client.disconnect();
    }
  }, 120_000);
});
