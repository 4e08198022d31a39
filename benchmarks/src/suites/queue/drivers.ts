/** Driver-agnostic queue measurements, shared by queue.ts and extension files (e.g. redis.ts). */

import { Queue, type QueueDriver, Worker } from '@ody/queue';
import { percentile } from '../../measure.js';

/** Names a measured driver; `make` builds a fresh driver on an empty store. */
export interface DriverUnderTest {
  name: string;
  make(): Promise<QueueDriver> | QueueDriver;
  /** Remove the store after a measurement. */
  cleanup?(): Promise<void> | void;
  /** A second driver on the store `make` just built (another process's view), for wake-up latency. */
  peer?(): Promise<QueueDriver> | QueueDriver;
}

let seq = 0;
const queueName = (what: string) => `bench-${what}-${process.pid}-${seq++}`;

async function withQueue<T>(d: DriverUnderTest, what: string, fn: (q: Queue) => Promise<T>): Promise<T> {
  const driver = await d.make();
  try {
    return await fn(new Queue(queueName(what), { driver }));
  } finally {
    await driver.close();
    await d.cleanup?.();
  }
}

/** Jobs/s accepted by `push`, with `inFlight` concurrent pushes (as many producers would do). */
export function pushRate(d: DriverUnderTest, n: number, inFlight = 1000): Promise<number> {
  return withQueue(d, 'push', async (q) => {
    const start = performance.now();
    for (let i = 0; i < n; i += inFlight) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(n, i + inFlight); j++) batch.push(q.push('j', { i: j }));
      await Promise.all(batch);
    }
    return (n / (performance.now() - start)) * 1000;
  });
}

/** Jobs/s processed by one Worker at `concurrency` with a trivial handler, from a prefilled queue. */
export function processRate(d: DriverUnderTest, n: number, concurrency: number): Promise<number> {
  return withQueue(d, `c${concurrency}`, async (q) => {
    for (let i = 0; i < n; i += 1000) {
      await q.pushBulk(Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({ name: 'j', payload: { i: i + j } })));
    }
    let done = 0;
    let finish!: () => void;
    const all = new Promise<void>((r) => {
      finish = r;
    });
    const start = performance.now();
    const worker = new Worker(q, () => {
      if (++done === n) finish();
    }, { concurrency });
    await all;
    const rate = (n / (performance.now() - start)) * 1000;
    await worker.close();
    return rate;
  });
}

/**
 * How the producer of pushAndProcessRate behaves. `burst`: 1000 pushes in flight, awaited, then the
 * next 1000 — on an in-process driver every push settles in a microtask, so this producer never lets
 * the event loop turn: the worker only gets going once the whole backlog is pushed and every job stays
 * alive until then (the measured rate is push cost + process cost + the GC of a full backlog).
 * `paced`: the same, plus one event-loop turn (setImmediate) after each 1000 — what a producer driven
 * by I/O (requests, messages) does; producer and worker interleave and the backlog stays small.
 */
export type ProducerStyle = 'burst' | 'paced';

/** Jobs/s when pushing and processing at once (one producer loop, one Worker at concurrency 100). */
export function pushAndProcessRate(d: DriverUnderTest, n: number, style: ProducerStyle = 'burst'): Promise<number> {
  return withQueue(d, 'both', async (q) => {
    let done = 0;
    let finish!: () => void;
    const all = new Promise<void>((r) => {
      finish = r;
    });
    const worker = new Worker(q, () => {
      if (++done === n) finish();
    }, { concurrency: 100 });
    const start = performance.now();
    for (let i = 0; i < n; i += 1000) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) batch.push(q.push('j', j));
      await Promise.all(batch);
      if (style === 'paced') await new Promise<void>((r) => setImmediate(r));
    }
    await all;
    const rate = (n / (performance.now() - start)) * 1000;
    await worker.close();
    return rate;
  });
}

/**
 * Push `samples` jobs one at a time to an idle concurrency-1 worker on `consumer` and time each from
 * the push call to the handler start, ms.
 */
async function pickupLatency(producer: Queue, consumer: Queue, samples: number): Promise<{ p50: number; p99: number }> {
  const got: number[] = [];
  let arrived: (() => void) | undefined;
  const worker = new Worker<{ t: number }>(consumer, (job) => {
    got.push(performance.now() - job.data.t);
    arrived?.();
  }, { concurrency: 1 });
  try {
    for (let i = 0; i < samples; i++) {
      await new Promise((r) => setTimeout(r, 2)); // let the worker go idle
      const seen = new Promise<void>((r) => {
        arrived = r;
      });
      await producer.push('j', { t: performance.now() });
      await seen;
    }
  } finally {
    await worker.close();
  }
  return { p50: percentile(got, 50), p99: percentile(got, 99) };
}

/** End-to-end latency (push called → handler running) of single jobs to an idle worker, ms. */
export function latency(d: DriverUnderTest, samples: number): Promise<{ p50: number; p99: number }> {
  return withQueue(d, 'lat', (q) => pickupLatency(q, q, samples));
}

/**
 * Idle pickup latency through the store's own wake-up path: the worker runs on a second driver
 * (`d.peer()`), so the producer's in-process notify cannot wake it; fs.watch (or the driver's
 * equivalent) must. Measured from the push call to the handler start, ms.
 */
export function peerLatency(d: DriverUnderTest, samples: number): Promise<{ p50: number; p99: number }> {
  return withQueue(d, 'peer', async (q) => {
    const other = await d.peer!();
    try {
      return await pickupLatency(q, new Queue(q.name, { driver: other }), samples);
    } finally {
      await other.close();
    }
  });
}

/**
 * Jobs/s with `producers` independent producers, each pushing one job at a time and awaiting it before
 * the next (producers = 1: one sequential producer, the case group commit cannot batch).
 */
export function producerRate(d: DriverUnderTest, n: number, producers: number): Promise<number> {
  return withQueue(d, `p${producers}`, async (q) => {
    let next = 0;
    const producer = async () => {
      while (next < n) {
        const i = next++;
        await q.push('j', { i, pad: 'x'.repeat(40) });
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: producers }, producer));
    return (n / (performance.now() - start)) * 1000;
  });
}
