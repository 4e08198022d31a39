import { Queue, Worker } from '@ody/queue';
import { until } from '@ody/queue/testing';
import { expect, it } from 'vitest';
import { describeWithRabbit } from '../../../test-support/rabbitmq-harness.js';
import { amqpDriver } from './index.js';

// Kills the broker itself, so it runs on a private rabbitmq-server (slow to boot: about 10-40 s).
describeWithRabbit('amqp driver when the broker is SIGKILLed', (rabbit) => {
  it('every confirmed push is delivered after the broker restarts; producers and consumers carry on', async () => {
    const server = rabbit.server!;
    const connection = { retryLow: 100, retryHigh: 1000 };
    const producer = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix, pushTimeoutMs: 150_000, connection });
    const consumer = amqpDriver({ url: rabbit.url, prefix: rabbit.prefix, connection });
    const done = new Set<number>();
    const queue = new Queue('crash', { driver: producer });
    const worker = new Worker<number>(new Queue('crash', { driver: consumer }), async (job) => {
      done.add(job.data);
      await new Promise((r) => setTimeout(r, 5));
    }, { concurrency: 4, maxStalls: 50, waitMs: 500 });
    worker.on('error', () => {});
    try {
      const total = 400;
      const confirmed = new Set<number>();
      const failed: unknown[] = [];
      let next = 0;
      const lane = async () => {
        while (next < total) {
          const n = next++;
          await queue.push('n', n).then(() => void confirmed.add(n), (err) => void failed.push(err));
        }
      };
      const lanes = Promise.all(Array.from({ length: 8 }, lane));
      await until('some pushes confirmed', () => confirmed.size >= 100, 30_000);
      await server.kill();
      const atKill = confirmed.size;
      await server.boot();
      await lanes;
      expect(failed).toEqual([]);
      expect(confirmed.size).toBe(total);
      expect(atKill).toBeLessThan(total);
      await until('every confirmed job ran', () => [...confirmed].every((n) => done.has(n)), 60_000).catch(async (err: Error) => {
        // Say where the missing jobs are: still queued (a stuck consumer), failed (stalls), or nowhere (lost).
        const missing = [...confirmed].filter((n) => !done.has(n));
        const counts = await queue.counts().catch((e: Error) => e.message);
        const failedJobs = await queue.failed.list({ limit: 5 }).then((l) => l.map((f) => `${f.reason}: ${f.errors.at(-1)?.message}`), (e: Error) => e.message);
        throw new Error(`${err.message}: ${missing.length} missing (first ${missing.slice(0, 5).join(', ')}); counts ${JSON.stringify(counts)}; failed ${JSON.stringify(failedJobs)}`);
      });
    } finally {
      await worker.close({ timeoutMs: 1000 });
      await producer.close();
      await consumer.close();
    }
  }, 300_000);
}, { private: true });
