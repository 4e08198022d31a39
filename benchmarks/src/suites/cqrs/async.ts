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
import { filesystemDriver, memoryDriver, Queue, type QueueDriver } from '@ody/queue';
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

function backend(kind: 'memory' | 'filesystem'): { driver: QueueDriver; store: CommandStatusStore; cleanup: () => void } {
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
export async function roundTrip(kind: 'memory' | 'filesystem', total: number, inFlight: number): Promise<RoundTrip> {
  const { driver, store, cleanup } = backend(kind);
  const buses = createBuses();
  buses.commandBus.register(Ping, async (p) => p.n + 1);
  const queues = new Map<string, Queue>();
  const runtime: AsyncRuntime = createAsyncCommands({
    buses,
    store,
    routes: { Ping: 'ping' },
    queues: {
    get: (name) => {
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
      await buses.commandBus.wait(commandId, { timeout: 30_000 });
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, one));
  const seconds = (performance.now() - start) / 1000;
  await runtime.close({ timeoutMs: 2000 });
  await driver.close();
  cleanup();
  return { perSecond: total / seconds, p99Ms: percentile(latencies, 99) };
}
