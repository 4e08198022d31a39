// Fault suite of the Redis driver, against a redis-server of its own (AOF, appendfsync always):
// redis-server SIGKILLed and restarted, SIGSTOPped, its connections dropped, producer and worker
// processes SIGKILLed mid-traffic, garbage in its keys. Whatever happens: a confirmed push is never
// lost, a job is acked at most once and never runs after its ack (README "Guarantees"), errors are
// typed OdyErrors with codes, and nothing crashes or rejects unhandled.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OdyError } from '@ody/core';
import { Queue, Worker } from '@ody/queue';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithRedis } from '../../../test-support/redis-harness.js';
import { until } from '../../../test-support/wait.js';
import { killChild, startWorkerChild } from './fixtures/children.js';
import { redisDriver } from './index.js';

const logs = mkdtempSync(join(tmpdir(), 'ody-redis-faults-'));
const children = new Set<ChildProcess>();
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await Promise.all([...children].map((c) => killChild(c)));
  children.clear();
  expect(unhandled, 'no unhandled rejection in the test process').toEqual([]);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  rmSync(logs, { recursive: true, force: true });
});

function startProducer(url: string, queue: string, log: string, first: number, count: number): Promise<ChildProcess> {
  const fixtures = join(import.meta.dirname, 'fixtures');
  const child = fork(join(fixtures, 'producer-child.ts'), [url, queue, log, String(first), String(count)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`producer exited with ${code} before it was ready`)));
  });
}

function producerLog(log: string): { ok: Map<number, string>; err: string[]; done: boolean } {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const ok = new Map<number, string>();
  for (const l of lines.filter((l) => l.startsWith('ok '))) {
    const [, n, id] = l.split(' ');
    ok.set(Number(n), id!);
  }
  return { ok, err: lines.filter((l) => l.startsWith('err ')).map((l) => l.split(' ')[2]!), done: lines.includes('done') };
}

interface Entry {
  id: string;
  tag: string;
  at: number;
}

async function entries(client: Redis, key: string): Promise<Entry[]> {
  const flat = await client.zrange(key, 0, -1, 'WITHSCORES');
  const out: Entry[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const [id, tag] = flat[i]!.split(' ');
    out.push({ id: id!, tag: tag!, at: Number(flat[i + 1]) });
  }
  return out;
}

describeWithRedis('redis driver fault suite', (redis) => {
  it('redis-server SIGKILLed twice, a producer and a worker SIGKILLed mid-traffic: confirmed pushes all run, no job acked twice or run after its ack', async () => {
    const name = `${redis.prefix}-storm`;
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    const driver = redisDriver({ url: redis.url });
    driver.on('error', () => {});
    const queue = new Queue(name, { driver });
    try {
      const perProducer = 150;
      const logA = join(logs, 'a.log');
      const logB = join(logs, 'b.log');
      const [producerA] = await Promise.all([
        startProducer(redis.url, name, logA, 0, perProducer),
        startProducer(redis.url, name, logB, 100_000, perProducer),
      ]);
      const spawnWorker = async (tag: string) => {
        const c = await startWorkerChild({ url: redis.url, queue: name, concurrency: 4, leaseMs: 800, handlerMs: 5, tag });
        children.add(c);
        return c;
      };
      const [workerA, workerB] = await Promise.all([spawnWorker('wa'), spawnWorker('wb')]);
      const confirmed = () => producerLog(logA).ok.size + producerLog(logB).ok.size;

      await until('first confirmations', () => confirmed() >= 40, { timeoutMs: 20_000 });
      await redis.restart({ kill: true });
      await until('progress after the first restart', () => confirmed() >= 100, { timeoutMs: 20_000 });
      await killChild(producerA, 'SIGKILL');
      await killChild(workerA, 'SIGKILL');
      const workerC = await spawnWorker('wc');
      await redis.restart({ kill: true });
      await until('producer B finished', () => producerLog(logB).done, { timeoutMs: 30_000 });
      await until('queue drained', async () => {
        const c = await queue.counts();
        return c.waiting === 0 && c.delayed === 0 && c.active === 0;
      }, { timeoutMs: 30_000 });

      const runs = await entries(client, `${name}:runs`);
      const acks = await entries(client, `${name}:acks`);
      const ran = new Set(runs.map((r) => r.id));
      const all = [producerLog(logA), producerLog(logB)];
      expect(all.flatMap((l) => l.err), 'no push rejected: commands wait for the reconnect').toEqual([]);
      for (const l of all) for (const [n, id] of l.ok) expect(ran.has(id), `confirmed push ${n} (${id}) never ran`).toBe(true);
      expect(producerLog(logB).ok.size).toBe(perProducer);

      const ackOf = new Map<string, Entry>();
      for (const a of acks) {
        expect(ackOf.has(a.id), `job ${a.id} acknowledged twice`).toBe(false);
        ackOf.set(a.id, a);
      }
      for (const r of runs) {
        const a = ackOf.get(r.id);
        if (a) expect(r.at <= a.at, `job ${r.id} ran again (${r.tag}) after its ack (${a.tag})`).toBe(true);
      }
      const counts = await queue.counts();
      expect(counts.failed).toBe(0);
      expect(counts.completed, 'every stored job completed exactly once').toBe(ran.size);
      for (const w of [workerB, workerC]) expect(w.exitCode, 'a surviving worker crashed').toBeNull();
    } finally {
      await driver.close();
      client.disconnect();
    }
  }, 60_000);

  it('a SIGSTOPped redis-server: pushes and acks wait instead of failing, and all complete once it resumes', async () => {
    const name = `${redis.prefix}-frozen-server`;
    const driver = redisDriver({ url: redis.url });
    const errors: unknown[] = [];
    driver.on('error', (e) => errors.push(e));
    const queue = new Queue<number>(name, { driver });
    const done = new Map<string, number>();
    let ranAfterAck = 0;
    const worker = new Worker<number>(queue, async (job) => {
      if (done.has(job.id)) ranAfterAck++;
    }, { concurrency: 8, leaseMs: 10_000, waitMs: 500 });
    worker.on('completed', (job) => done.set(job.id, (done.get(job.id) ?? 0) + 1));
    const probe = new Redis(redis.url, { commandTimeout: 200, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const pid = redis.server!.pid()!;
    try {
      const before = await queue.pushBulk(Array.from({ length: 200 }, (_, i) => ({ name: 'n', payload: i })));
      await until('some completed', () => done.size >= 20);
      process.kill(pid, 'SIGSTOP');
      await until('the server process is stopped', () => /^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')));
      await expect(probe.ping(), 'the server is frozen').rejects.toThrow(/timed out/i);
      // Pushes issued while the server is frozen resolve once it resumes.
      const during = Promise.all(Array.from({ length: 50 }, (_, i) => queue.push('n', 1_000 + i)));
      process.kill(pid, 'SIGCONT');
      const later = await during;
      const ids = [...before.map((p) => p.id), ...later.map((p) => p.id)];
      await until('all completed', () => ids.every((id) => done.has(id)), { timeoutMs: 20_000 });
      expect([...done.values()].every((n) => n === 1), 'each job completed once').toBe(true);
      expect(ranAfterAck).toBe(0);
      expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: 250 });
      for (const e of errors) expect(OdyError.is(e) && /^ODY_QUEUE_REDIS_/.test(e.code), String(e)).toBe(true);
    } finally {
      process.kill(pid, 'SIGCONT');
      probe.disconnect();
      await worker.close();
      await driver.close();
    }
  });

  it('connections dropped (CLIENT KILL) again and again mid-traffic: every job completes once, the driver reconnects', async () => {
    const name = `${redis.prefix}-drops`;
    const admin = new Redis(redis.url);
    const driver = redisDriver({ url: redis.url });
    const errors: unknown[] = [];
    let reconnects = 0;
    driver.on('error', (e) => errors.push(e));
    driver.on('reconnecting', () => reconnects++);
    const queue = new Queue<number>(name, { driver });
    const runs = new Map<string, number>();
    const done = new Map<string, number>();
    let ranAfterAck = 0;
    let stalledRuns = 0;
    const worker = new Worker<number>(queue, async (job) => {
      if (done.has(job.id)) ranAfterAck++;
      if (job.stalls > 0) stalledRuns++;
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await new Promise((r) => setImmediate(r));
    }, { concurrency: 8, leaseMs: 10_000, recoverIntervalMs: 100, maxStalls: 100, waitMs: 500 });
    worker.on('completed', (job) => done.set(job.id, (done.get(job.id) ?? 0) + 1));
    try {
      const total = 600;
      const pushes: Promise<{ id: string; added: boolean }>[] = [];
      for (let i = 0; i < 400; i++) pushes.push(queue.push('n', i));
      for (let round = 1; round <= 4; round++) {
        await until(`round ${round}`, () => runs.size >= round * 60, { timeoutMs: 20_000 });
        // Pushes in flight while the connections drop: a re-sent push must still report added.
        for (let i = 0; i < 50; i++) pushes.push(queue.push('n', 1_000 * round + i));
        await until(`round ${round}: connections dropped`, async () => Number(await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes')) > 0);
      }
      const pushed = await Promise.all(pushes);
      expect(pushed.filter((p) => !p.added), 'every push reports added').toEqual([]);
      const ids = pushed.map((p) => p.id);
      await until('all completed in Redis', async () => {
        const c = await queue.counts();
        return c.completed === total && c.active === 0 && c.waiting === 0;
      }, { timeoutMs: 20_000 });
      expect(ids.every((id) => runs.has(id)), 'every confirmed push ran').toBe(true);
      expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 0, completed: total });
      // An ack whose reply a dropped connection lost is re-sent by ioredis and answers "lease not held";
      // the driver re-checks such acks, so every job still gets its one 'completed' event.
      await until('every completed event', () => ids.every((id) => done.has(id)));
      expect([...done.values()].every((n) => n === 1), 'no completed event twice').toBe(true);
      expect(ranAfterAck, 'no job ran after its completed event').toBe(0);
      expect(reconnects).toBeGreaterThanOrEqual(4);
      // No worker died and leases (10 s) outlive the test: jobs a re-sent claim orphaned were put back at
      // once, never recovered as stalled.
      expect(stalledRuns, 'no job ran as stalled').toBe(0);
      for (const e of errors) expect(OdyError.is(e) && /^ODY_QUEUE_REDIS_/.test(e.code), String(e)).toBe(true);
    } finally {
      await worker.close();
      await driver.close();
      admin.disconnect();
    }
  });

  it('bad input: garbage job records fail as corrupt, keys of the wrong type and a closed driver reject with typed errors', async () => {
    const name = `${redis.prefix}-garbage`;
    const admin = new Redis(redis.url);
    const driver = redisDriver({ url: redis.url });
    const queue = new Queue<number>(name, { driver });
    const seen: number[] = [];
    try {
      const keys = Object.fromEntries(['ready', 'jobs'].map((role) => [role, driver.keys(name).find((k) => k.endsWith(`:${role}`))!]));
      // Records a crash, a bad client or a hand edit could leave: no header line, bad JSON, a header without
      // fields, an id in ready with no record at all.
      const garbage = { g1: 'no header line', g2: '{not json\npayload', g3: '{"k":1}\npayload' } as Record<string, string>;
      for (const [id, env] of Object.entries(garbage)) await admin.hset(keys.jobs!, id, env);
      await admin.zadd(keys.ready!, 0, 'g1', 0, 'g2', 0, 'g3', 0, 'g4');
      await queue.push('n', 7);
      const worker = new Worker<number>(queue, (job) => {
        seen.push(job.data);
      }, { concurrency: 2, waitMs: 200 });
      await until('garbage failed, good job done', async () => {
        const c = await queue.counts();
        return c.failed === 4 && c.completed === 1;
      });
      await worker.close();
      expect(seen).toEqual([7]);
      const failed = await queue.failed.list({ limit: 10 });
      expect(failed.map((f) => [f.id, f.reason]).sort()).toEqual([['g1', 'corrupt'], ['g2', 'corrupt'], ['g3', 'corrupt'], ['g4', 'corrupt']]);
      for (const f of failed) expect(f.errors.at(-1)?.code).toBe('ODY_QUEUE_JOB_CORRUPT');

      // A key of the wrong type (another program wrote it): the script error is typed, nothing crashes.
      await admin.del(keys.ready!);
      await admin.set(keys.ready!, 'not a sorted set');
      const err = await queue.push('n', 8).catch((e: unknown) => e);
      expect(OdyError.is(err, 'ODY_QUEUE_REDIS_SCRIPT'), String(err)).toBe(true);
      expect((err as Error).message).toMatch(/WRONGTYPE/);
      await admin.del(keys.ready!);
      await expect(queue.push('n', 9)).resolves.toMatchObject({ added: true });
    } finally {
      await driver.close();
      admin.disconnect();
    }
    const closed = await queue.push('n', 10).catch((e: unknown) => e);
    expect(OdyError.is(closed) && /CLOSED$/.test(closed.code), String(closed)).toBe(true);
  });
}, { persistence: 'aof', restartable: true });
