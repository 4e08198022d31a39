/**
 * Further rows of the queue suite (issue 19): Redis with AOF (`appendfsync everysec`, and `always` as
 * the durable comparison with the filesystem driver), delayed and retried jobs, and crash recovery
 * (SIGKILL of a worker holding a job → another worker starts it). Every redis-server here is our own,
 * on a free port and a temp dir; the shared server is never reconfigured.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesystemDriver, Queue as OdyQueue, type QueueDriver, Worker as OdyWorker } from '@ody/queue';
import { redisDriver } from '@ody/queue-redis';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { findRedisServer, type SpawnedRedis, spawnRedisServer } from '../../../../test-support/redis-server.js';
import { alternate, median, ratioOf } from '../../measure.js';
import type { Row, SuiteResult } from '../../types.js';
import { LEASE } from './recovery-settings.js';

let seq = 0;
const qname = (p: string) => `bx-${p}-${process.pid}-${seq++}`;
const payload = { user: 42, action: 'send-welcome-email', at: 1700000000000 };
type Kind = 'redis' | 'bullmq' | 'fs';

/** One Ody or BullMQ setup: how to push, and how to run a worker until `total` jobs completed. */
interface Target {
  kind: Kind;
  /** redis URL, or the filesystem root */
  where: string;
}

function bullConnection(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
}

function odyDriver(t: Target): QueueDriver {
  return t.kind === 'redis' ? redisDriver({ url: t.where }) : filesystemDriver({ dir: t.where });
}

/** Push/s with `producers` concurrent producers, each awaiting its push before the next (jobs stay queued). */
async function producerRate(t: Target, n: number, producers: number): Promise<number> {
  const name = qname(t.kind);
  let next = 0;
  if (t.kind === 'bullmq') {
    const q = new BullQueue(name, { connection: bullConnection(t.where) });
    await q.waitUntilReady();
    const start = performance.now();
    await Promise.all(Array.from({ length: producers }, async () => {
      while (next++ < n) await q.add('job', payload, { removeOnComplete: true, removeOnFail: true });
    }));
    const rate = (n / (performance.now() - start)) * 1000;
    await q.obliterate({ force: true });
    await q.close();
    return rate;
  }
  const driver = odyDriver(t);
  const q = new OdyQueue(name, { driver });
  await q.counts(); // connected / directory open before the clock, like BullMQ's waitUntilReady
  const start = performance.now();
  await Promise.all(Array.from({ length: producers }, async () => {
    while (next++ < n) await q.push('job', payload);
  }));
  const rate = (n / (performance.now() - start)) * 1000;
  await driver.close();
  return rate;
}

/**
 * Jobs/s of a worker at concurrency 100 on `n` jobs that are `mode`: 'delayed' (all due at one instant,
 * 500 ms after the pushes start; clock from that instant to the last completion) or 'retried' (each job
 * fails its first attempt and succeeds on the immediate retry; clock from worker start).
 */
async function jobRate(t: Target, n: number, mode: 'delayed' | 'retried'): Promise<number> {
  const name = qname(t.kind);
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => {
    finish = r;
  });
  const failedOnce = new Set<string>();
  const handle = (id: string) => {
    if (mode === 'retried' && !failedOnce.has(id)) {
      failedOnce.add(id);
      throw new Error('first attempt fails');
    }
  };
  const dueAt = Date.now() + 500 + n / 20; // room for the pushes
  const delayMs = () => Math.max(1, dueAt - Date.now());
  if (t.kind === 'bullmq') {
    const connection = bullConnection(t.where);
    const q = new BullQueue(name, { connection });
    for (let i = 0; i < n; i += 1000) {
      await q.addBulk(Array.from({ length: Math.min(1000, n - i) }, () => ({
        name: 'job', data: payload,
        opts: { removeOnComplete: true, removeOnFail: true, ...(mode === 'delayed' ? { delay: delayMs() } : { attempts: 2 }) },
      })));
    }
    const worker = new BullWorker(name, async (job) => handle(job.id!), { connection, concurrency: 100, autorun: false });
    worker.on('completed', () => {
      if (++done === n) finish();
    });
    await worker.waitUntilReady();
    const start = mode === 'delayed' ? dueAt : performance.now();
    const clock = mode === 'delayed' ? Date.now : () => performance.now();
    void worker.run();
    await all;
    const rate = (n / Math.max(1, clock() - start)) * 1000;
    await worker.close();
    await q.obliterate({ force: true });
    await q.close();
    return rate;
  }
  const driver = odyDriver(t);
  const q = new OdyQueue(name, { driver });
  for (let i = 0; i < n; i += 1000) {
    await q.pushBulk(Array.from({ length: Math.min(1000, n - i) }, () => ({
      name: 'job', payload, options: mode === 'delayed' ? { delayMs: delayMs() } : { attempts: 2 },
    })));
  }
  const clock = mode === 'delayed' ? Date.now : () => performance.now();
  const start = mode === 'delayed' ? dueAt : performance.now();
  const worker = new OdyWorker(q, (job) => handle(job.id), { concurrency: 100 });
  worker.on('completed', () => {
    if (++done === n) finish();
  });
  await all;
  const rate = (n / Math.max(1, clock() - start)) * 1000;
  await worker.close();
  await driver.close();
  return rate;
}

/** ms from SIGKILL of a worker process holding the only job to another worker starting that job. */
async function recoveryMs(t: Target): Promise<number> {
  const name = qname(t.kind);
  const child: ChildProcess = fork(join(import.meta.dirname, 'crash-child.ts'), [t.kind, t.where, name], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const said = (what: string) => new Promise<void>((r) => child.on('message', (m) => m === what && r()));
  const exited = new Promise((r) => child.once('exit', r));
  const holding = said('holding');
  try {
    await said('ready');
    let started!: (at: number) => void;
    const restarted = new Promise<number>((r) => {
      started = r;
    });
    if (t.kind === 'bullmq') {
      const connection = bullConnection(t.where);
      const q = new BullQueue(name, { connection });
      await q.add('job', payload, { removeOnComplete: true, removeOnFail: true });
      await holding;
      const worker = new BullWorker(name, async () => started(performance.now()), { connection, lockDuration: LEASE.leaseMs, stalledInterval: LEASE.checkMs });
      await worker.waitUntilReady();
      const killedAt = performance.now();
      child.kill('SIGKILL');
      const ms = (await restarted) - killedAt;
      await worker.close();
      await q.obliterate({ force: true });
      await q.close();
      return ms;
    }
    const driver = odyDriver(t);
    const q = new OdyQueue(name, { driver });
    await q.push('job', payload);
    await holding;
    const worker = new OdyWorker(q, () => started(performance.now()), { leaseMs: LEASE.leaseMs, recoverIntervalMs: LEASE.checkMs });
    const killedAt = performance.now();
    child.kill('SIGKILL');
    const ms = (await restarted) - killedAt;
    await worker.close();
    await driver.close();
    return ms;
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

async function ownRedis(args: string[]): Promise<SpawnedRedis> {
  const bin = findRedisServer();
  if (bin === undefined) throw new Error('no redis-server binary for the AOF rows');
  return spawnRedisServer(bin, { args });
}

/** AOF, delayed, retried and crash-recovery rows; `fsRoot` makes a fresh filesystem root per run. */
export async function extraQueueRows(quick: boolean, rounds: number): Promise<SuiteResult> {
  const rows: Row[] = [];
  const ratios: Record<string, number> = {};
  const spreads: Record<string, { min: number; max: number; n: number }> = {};
  const notes: string[] = [];
  const fsRoots: string[] = [];
  const fsTarget = (): Target => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-bench-fsx-'));
    fsRoots.push(dir);
    return { kind: 'fs', where: dir };
  };
  // Ratio keys name each side with its own setting: `redis-aof-everysec-delayed/bullmq-aof-everysec-delayed`,
  // but `fs-durable-delayed/...` (the filesystem driver runs on no Redis).
  const record = (label: string, metric: string, samples: Record<string, number[]>, pairs: [string, string][], higherIsBetter = true, redisSetting = '') => {
    const side = (peer: string) => (peer === 'fs-durable' || redisSetting === '' ? `${peer}-${label}` : `${peer}-${redisSetting}-${label}`);
    for (const [peer, v] of Object.entries(samples)) rows.push({ name: peer, metric, value: Number(median(v).toFixed(higherIsBetter ? 0 : 1)) });
    for (const [a, b] of pairs) {
      const s = ratioOf(samples[a]!, samples[b]!, higherIsBetter);
      ratios[`${side(a)}/${side(b)}`] = s.median;
      spreads[`${side(a)}/${side(b)}`] = { min: s.min, max: s.max, n: s.n };
    }
  };
  const everysec = await ownRedis(['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '']);
  const always = await ownRedis(['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']);
  const flush = async (url: string) => {
    const r = new Redis(url);
    await r.flushall();
    r.disconnect();
  };
  try {
    const es = everysec.url;
    // AOF everysec: Ody-Redis and BullMQ side by side, 64 producers pushing one job at a time, then
    // delayed and retried jobs.
    const pushN = quick ? 3_000 : 5_000;
    record('push-c64', 'aof everysec push/s c64', await alternate(rounds, {
      redis: async () => {
        await flush(es);
        return producerRate({ kind: 'redis', where: es }, pushN, 64);
      },
      bullmq: async () => {
        await flush(es);
        return producerRate({ kind: 'bullmq', where: es }, pushN, 64);
      },
    }), [['redis', 'bullmq']], true, 'aof-everysec');
    const jobsN = quick ? 2_000 : 5_000;
    for (const mode of ['delayed', 'retried'] as const) {
      record(mode, `${mode} jobs/s c100 (Redis: aof everysec)`, await alternate(rounds, {
        redis: async () => {
        await flush(es);
        return jobRate({ kind: 'redis', where: es }, jobsN, mode);
      },
        bullmq: async () => {
        await flush(es);
        return jobRate({ kind: 'bullmq', where: es }, jobsN, mode);
      },
        'fs-durable': () => jobRate(fsTarget(), jobsN, mode),
      }), [['redis', 'bullmq'], ['fs-durable', 'bullmq']], true, 'aof-everysec');
    }
    // The durable comparison: every acknowledged push on disk. BullMQ on AOF `appendfsync always`
    // against the filesystem driver (durable) on the same disk; Ody-Redis on the same server beside them.
    const al = always.url;
    for (const producers of [1, 64]) {
      const n = (quick ? 1 : 2) * (producers === 1 ? 300 : 2_000);
      record(`c${producers}`, `durable push/s c${producers} (Redis: aof always)`, await alternate(rounds, {
        'fs-durable': () => producerRate(fsTarget(), n, producers),
        bullmq: async () => {
        await flush(al);
        return producerRate({ kind: 'bullmq', where: al }, n, producers);
      },
        redis: async () => {
        await flush(al);
        return producerRate({ kind: 'redis', where: al }, n, producers);
      },
      }), [['fs-durable', 'bullmq'], ['redis', 'bullmq']], true, 'aof-always');
    }
    // Crash recovery, on the everysec server: a worker process holding a job is SIGKILLed.
    record('crash-recovery', 'crash recovery ms (Redis: aof everysec)', await alternate(quick ? 1 : Math.max(3, Math.ceil(rounds / 2)), {
      redis: () => recoveryMs({ kind: 'redis', where: es }),
      bullmq: () => recoveryMs({ kind: 'bullmq', where: es }),
      'fs-durable': () => recoveryMs(fsTarget()),
    }), [['redis', 'bullmq'], ['fs-durable', 'bullmq']], false, 'aof-everysec');
    notes.push(
      `AOF rows: two redis-servers of our own (--appendonly yes, --appendfsync everysec / always; no RDB) on loopback, data dir in ${tmpdir()} (same disk as the filesystem driver); flushed before each run; ${rounds} alternating rounds, medians; ratios are per-round medians with min–max spread.`,
      `aof everysec push/s c64: ${pushN} jobs, 64 producers each awaiting push / add before the next. durable push/s cN: N producers likewise, BullMQ and Ody-Redis on appendfsync always, fs-durable = filesystem driver with durable: true (data + directory fsync before a push resolves).`,
      `delayed: ${jobsN} jobs pushed in bulks of 1000, all due at one instant; clock from that instant to the last completion, worker at concurrency 100 (BullMQ: delay, Ody: delayMs). retried: ${jobsN} prefilled jobs with attempts 2, each failing its first attempt, immediate retry; clock from worker start to the last completion.`,
      `crash recovery: a worker process (lease / lockDuration ${LEASE.leaseMs} ms, expired-lease check / stalledInterval every ${LEASE.checkMs} ms) holds the only job and is SIGKILLed; ms until a worker of the parent starts that job. Lower is better; the ratio is inverted (>1: Ody recovers sooner). Bounded below by the lease length for all three.`,
    );
  } finally {
    await everysec.stop();
    await always.stop();
    for (const d of fsRoots) rmSync(d, { recursive: true, force: true });
  }
  return { rows, ratios, spreads, notes };
}
