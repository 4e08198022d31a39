/** Async command round trip (dispatch → queue worker → wait) on one driver: commands/s and p99 latency. */
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
import { percentile } from '../../measure.js';

class Ping extends Command<number> {
  constructor(readonly n: number) {
    super();
  }
}

/** One measured round-trip run. */
export interface RoundTrip {
  perSecond: number;
  p99Ms: number;
}

/** Which driver + matching status store a round trip runs on. */
export type RoundTripKind = 'memory' | 'filesystem' | 'redis';

function backend(kind: RoundTripKind, redisUrl?: string): { driver: QueueDriver; store: CommandStatusStore; cleanup: () => void } {
  if (kind === 'redis') {
    const prefix = `bench${Date.now()}`;
    const driver = redisDriver({ url: redisUrl, prefix });
    const store = new RedisStatusStore({ client: driver.client, prefix });
    return { driver, store, cleanup: () => void store.close() };
  }
  if (kind === 'memory') return { driver: memoryDriver(), store: new MemoryStatusStore(), cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'ody-bench-cqrs-'));
  return {
    driver: filesystemDriver({ dir: join(dir, 'queue'), durable: false }),
    store: new FilesystemStatusStore(join(dir, 'status')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * `total` commands, `inFlight` at a time: each dispatched, run by the in-process worker, and
 * awaited with commandBus.wait(). Latency is dispatch → wait resolved.
 */
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
  const latencies: number[] = [];
  let next = 0;
  const one = async () => {
    while (next < total) {
      const n = next++;
      const t0 = performance.now();
      const { commandId } = await buses.commandBus.dispatch(new Ping(n));
      await buses.commandBus.wait(commandId, { timeoutMs: 30_000 });
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, one));
  const seconds = (performance.now() - start) / 1000;
  await runtime.close({ timeoutMs: 2000 });
  cleanup();
  await driver.close();
  return { perSecond: total / seconds, p99Ms: percentile(latencies, 99) };
}
