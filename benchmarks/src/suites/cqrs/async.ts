/**
 * Async command end-to-end latency (dispatch → result) on one driver, and a BullMQ-based equivalent:
 * `total` commands, a fixed number in flight, each dispatched, run by an in-process worker that was
 * ready before the clock started, and awaited until its result is back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AsyncRuntime,
  Command,
  type CommandStatusStore,
  createAsyncCommands,
  createBuses,
  FilesystemStatusStore,
  MemoryStatusStore,
} from '@ody/cqrs';
import { RedisStatusStore } from '@ody/cqrs/redis';
import { filesystemDriver, memoryDriver, Queue, type QueueDriver } from '@ody/queue';
import { redisDriver } from '@ody/queue-redis';
import { Queue as BullQueue, QueueEvents, Worker as BullWorker } from 'bullmq';
import { percentile } from '../../measure.js';

class Ping extends Command<number> {
  constructor(readonly n: number) {
    super();
  }
}

/** One measured round-trip run. */
export interface RoundTrip {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Which driver + matching status store a round trip runs on. */
export type RoundTripKind = 'memory' | 'filesystem' | 'redis';

let seq = 0;
const uniquePrefix = (peer: string) => `bench-cqrs-${peer}-${process.pid}-${Date.now()}-${seq++}`;

function backend(kind: RoundTripKind, redisUrl?: string): { driver: QueueDriver; store: CommandStatusStore; cleanup: () => Promise<void> } {
  if (kind === 'redis') {
    const prefix = uniquePrefix('ody');
    const driver = redisDriver({ url: redisUrl, prefix });
    const store = new RedisStatusStore({ client: driver.client, prefix });
    return { driver, store, cleanup: () => store.close() };
  }
  if (kind === 'memory') return { driver: memoryDriver(), store: new MemoryStatusStore(), cleanup: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'ody-bench-cqrs-'));
  return {
    driver: filesystemDriver({ dir: join(dir, 'queue'), durable: false }),
    store: new FilesystemStatusStore(join(dir, 'status')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Run `total` round trips with `inFlight` loops, each timing one round trip at a time. */
async function closedLoop(total: number, inFlight: number, one: (n: number) => Promise<unknown>): Promise<RoundTrip> {
  const latencies: number[] = [];
  let next = 0;
  const loop = async () => {
    while (next < total) {
      const n = next++;
      const t0 = performance.now();
      await one(n);
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: total / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** Ody: commandBus.dispatch() → queue → worker (concurrency = inFlight) → commandBus.wait(). */
export async function roundTrip(kind: RoundTripKind, total: number, inFlight: number, redisUrl?: string): Promise<RoundTrip> {
  const { driver, store, cleanup } = backend(kind, redisUrl);
  const buses = createBuses();
  buses.commandBus.register(Ping, async (p) => p.n + 1);
  const queues = new Map<string, Queue>();
  const runtime: AsyncRuntime = createAsyncCommands({
    buses,
    store,
    routes: { Ping: 'ping' },
    queues: {
      queue: (name) => {
        let q = queues.get(name);
        if (q === undefined) {
          q = new Queue(name, { driver });
          queues.set(name, q);
        }
        return q;
      },
    },
    worker: { concurrency: inFlight, waitMs: 1000 },
  });
  runtime.startWorkers();
  // Warm-up outside the clock: connections open, scripts loaded, the worker polling.
  const warm = await buses.commandBus.dispatch(new Ping(-1));
  await buses.commandBus.wait(warm.commandId, { timeoutMs: 30_000 });
  const result = await closedLoop(total, inFlight, async (n) => {
    const { commandId } = await buses.commandBus.dispatch(new Ping(n));
    await buses.commandBus.wait(commandId, { timeoutMs: 30_000 });
  });
  await runtime.close({ timeoutMs: 2000 });
  await cleanup();
  await driver.close();
  return result;
}

/**
 * BullMQ equivalent: Queue.add → Worker (concurrency = inFlight) → job.waitUntilFinished(QueueEvents).
 * Worker and QueueEvents are connected (scripts loaded) and one job has gone through before the clock.
 * Finished jobs are kept (removeOnComplete: false) as waitUntilFinished needs the result of a job
 * that may finish before the wait starts; Ody's status store keeps results too.
 */
export async function bullRoundTrip(total: number, inFlight: number, host: string, port: number): Promise<RoundTrip> {
  const connection = { host, port, maxRetriesPerRequest: null };
  const prefix = uniquePrefix('bull');
  const name = 'ping';
  const queue = new BullQueue(name, { connection, prefix });
  const worker = new BullWorker(name, async (job) => (job.data as { n: number }).n + 1, { connection, prefix, concurrency: inFlight });
  const events = new QueueEvents(name, { connection, prefix });
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady(), events.waitUntilReady()]);
  const warm = await queue.add('Ping', { n: -1 });
  await warm.waitUntilFinished(events, 30_000);
  const result = await closedLoop(total, inFlight, async (n) => {
    const job = await queue.add('Ping', { n });
    await job.waitUntilFinished(events, 30_000);
  });
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return result;
}
