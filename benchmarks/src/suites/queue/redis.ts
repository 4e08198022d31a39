/**
 * Redis rows of the `queue` suite: @ody/queue-redis against BullMQ on the same redis-server, in the
 * same run, peers alternating. The queue suite calls `redisQueueBench(options)` and merges the result.
 */
import { Queue as OdyQueue, Worker as OdyWorker } from '@ody/queue';
import { redisDriver } from '@ody/queue-redis';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { type RedisHandle, startRedis } from '../../../../test-support/redis-server.js';
import { alternate, median, percentile, ratioOf } from '../../measure.js';
import type { Row, SuiteOptions, SuiteResult } from '../../types.js';
import { extraQueueRows } from './redis-extra.js';

interface Peer {
  /** jobs/s enqueuing `total` jobs in bulks of 1000 */
  push(total: number): Promise<number>;
  /** jobs/s processing `total` prefilled trivial jobs at `concurrency` */
  process(total: number, concurrency: number): Promise<number>;
  /** push→handler latencies (ms) of `samples` jobs pushed one at a time to an idle worker */
  latency(samples: number): Promise<number[]>;
}

let seq = 0;
const qname = (p: string) => `bench-${p}-${process.pid}-${seq++}`;
const payload = { user: 42, action: 'send-welcome-email', at: 1700000000000 };

function odyPeer(url: string): Peer {
  const make = () => redisDriver({ url });
  return {
    async push(total) {
      const driver = make();
      const queue = new OdyQueue(qname('ody'), { driver });
      const bulk = Array.from({ length: 1000 }, () => ({ name: 'job', payload }));
      const t0 = performance.now();
      for (let done = 0; done < total; done += 1000) await queue.pushBulk(bulk);
      const rate = (total / (performance.now() - t0)) * 1000;
      await driver.close();
      return rate;
    },
    async process(total, concurrency) {
      const driver = make();
      const queue = new OdyQueue(qname('ody'), { driver });
      const bulk = Array.from({ length: 1000 }, () => ({ name: 'job', payload }));
      for (let done = 0; done < total; done += 1000) await queue.pushBulk(bulk);
      let completed = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => {
        finish = r;
      });
      const t0 = performance.now();
      const worker = new OdyWorker(queue, () => undefined, { concurrency });
      worker.on('completed', () => {
        if (++completed === total) finish();
      });
      await all;
      const rate = (total / (performance.now() - t0)) * 1000;
      await worker.close();
      await driver.close();
      return rate;
    },
    async latency(samples) {
      const driver = make();
      const queue = new OdyQueue(qname('ody'), { driver });
      let resolveOne: (() => void) | undefined;
      let t0 = 0;
      const out: number[] = [];
      const worker = new OdyWorker(queue, () => {
        out.push(performance.now() - t0);
        resolveOne?.();
      });
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < samples; i++) {
        const seen = new Promise<void>((r) => {
          resolveOne = r;
        });
        t0 = performance.now();
        await queue.push('job', payload);
        await seen;
      }
      await worker.close();
      await driver.close();
      return out;
    },
  };
}

function bullPeer(host: string, port: number): Peer {
  const connection = { host, port, maxRetriesPerRequest: null };
  const jobOpts = { removeOnComplete: true, removeOnFail: true };
  return {
    async push(total) {
      const queue = new BullQueue(qname('bull'), { connection });
      await queue.waitUntilReady();
      const bulk = Array.from({ length: 1000 }, () => ({ name: 'job', data: payload, opts: jobOpts }));
      const t0 = performance.now();
      for (let done = 0; done < total; done += 1000) await queue.addBulk(bulk);
      const rate = (total / (performance.now() - t0)) * 1000;
      await queue.close();
      return rate;
    },
    async process(total, concurrency) {
      const name = qname('bull');
      const queue = new BullQueue(name, { connection });
      const bulk = Array.from({ length: 1000 }, () => ({ name: 'job', data: payload, opts: jobOpts }));
      for (let done = 0; done < total; done += 1000) await queue.addBulk(bulk);
      let completed = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => {
        finish = r;
      });
      // Fair clock: like Ody's worker (whose driver is already connected by the pushes), BullMQ's worker
      // connects and loads its scripts before the clock starts; it starts taking jobs with run().
      const worker = new BullWorker(name, async () => undefined, { connection, concurrency, autorun: false });
      worker.on('completed', () => {
        if (++completed === total) finish();
      });
      await worker.waitUntilReady();
      const t0 = performance.now();
      void worker.run();
      await all;
      const rate = (total / (performance.now() - t0)) * 1000;
      await worker.close();
      await queue.close();
      return rate;
    },
    async latency(samples) {
      const name = qname('bull');
      const queue = new BullQueue(name, { connection });
      let resolveOne: (() => void) | undefined;
      let t0 = 0;
      const out: number[] = [];
      const worker = new BullWorker(
        name,
        async () => {
          out.push(performance.now() - t0);
          resolveOne?.();
        },
        { connection, concurrency: 1 },
      );
      await worker.waitUntilReady();
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < samples; i++) {
        const seen = new Promise<void>((r) => {
          resolveOne = r;
        });
        t0 = performance.now();
        await queue.add('job', payload, jobOpts);
        await seen;
      }
      await worker.close();
      await queue.close();
      return out;
    },
  };
}

/** Runs the redis vs bullmq comparison; rows are medians of alternating rounds. */
export async function redisQueueBench(options: SuiteOptions): Promise<SuiteResult> {
  let redis: RedisHandle;
  try {
    redis = await startRedis();
  } catch (err) {
    return { rows: [], ratios: {}, notes: [`redis rows skipped: ${(err as Error).message}`] };
  }
  const admin = new Redis(redis.url);
  const flush = async () => {
    await admin.flushall();
  };
  try {
    const rounds = options.quick ? 3 : 5;
    const pushTotal = options.quick ? 10_000 : 30_000;
    const c1Total = options.quick ? 3_000 : 10_000;
    const c100Total = options.quick ? 20_000 : 50_000;
    const samples = options.quick ? 300 : 1000;
    const peers = { redis: odyPeer(redis.url), bullmq: bullPeer(redis.host, redis.port) };
    const rows: Row[] = [];
    const ratios: Record<string, number> = {};
    const spreads: Record<string, { min: number; max: number; n: number }> = {};

    const measure = async (label: string, metric: string, run: (p: Peer) => Promise<number>) => {
      // Rows follow the queue suite's layout (name = driver, metric = what); ratio keys use the label.
      const samplesByPeer = await alternate(rounds, {
        redis: async () => {
          await flush();
          return run(peers.redis);
        },
        bullmq: async () => {
          await flush();
          return run(peers.bullmq);
        },
      });
      const r = median(samplesByPeer.redis);
      const b = median(samplesByPeer.bullmq);
      rows.push({ name: 'redis', metric, value: Math.round(r) }, { name: 'bullmq', metric, value: Math.round(b) });
      const spread = ratioOf(samplesByPeer.redis, samplesByPeer.bullmq);
      ratios[`redis-${label}/bullmq-${label}`] = spread.median;
      spreads[`redis-${label}/bullmq-${label}`] = { min: spread.min, max: spread.max, n: spread.n };
    };
    await measure('push', 'push/s', (p) => p.push(pushTotal));
    await measure('c1', 'process/s c1', (p) => p.process(c1Total, 1));
    await measure('c100', 'process/s c100', (p) => p.process(c100Total, 100));

    const lat = await alternate(1, {
      redis: async () => {
        await flush();
        const s = await peers.redis.latency(samples);
        return [percentile(s, 50), percentile(s, 99)] as unknown as number;
      },
      bullmq: async () => {
        await flush();
        const s = await peers.bullmq.latency(samples);
        return [percentile(s, 50), percentile(s, 99)] as unknown as number;
      },
    });
    for (const peer of ['redis', 'bullmq'] as const) {
      const [p50, p99] = lat[peer][0] as unknown as [number, number];
      rows.push({ name: peer, metric: 'e2e p50 ms', value: Number(p50.toFixed(3)) });
      rows.push({ name: peer, metric: 'e2e p99 ms', value: Number(p99.toFixed(3)) });
    }
    const version = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?';
    const extra = await extraQueueRows(options.quick, options.quick ? 1 : 5);
    rows.push(...extra.rows);
    Object.assign(ratios, extra.ratios);
    Object.assign(spreads, extra.spreads);
    return {
      rows,
      ratios,
      spreads,
      notes: [
        ...(extra.notes ?? []),
        `redis vs bullmq: one redis-server ${version} (no persistence) on loopback, flushed before each run; ${rounds} alternating rounds, medians; ratios are the median and min–max of the per-round ratios.`,
        `redis/bullmq push/s: ${pushTotal} jobs in bulks of 1000 (pushBulk / addBulk); c1/c100: ${c1Total}/${c100Total} prefilled jobs, trivial handler, timed from worker start to the last 'completed' event; BullMQ with removeOnComplete/removeOnFail, Ody with its default (completed jobs not kept).`,
        `e2e: ${samples} jobs pushed one at a time to an idle concurrency-1 worker; push call → handler start.`,
      ],
    };
  } finally {
    admin.disconnect();
    await redis.stop();
  }
}
