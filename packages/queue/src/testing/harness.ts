import { randomBytes } from 'node:crypto';
import type { QueueDriver } from '../contract/driver.js';
import type { JobHandler } from '../runtime/job.js';
import { Queue, type QueueOptions } from '../runtime/queue.js';
import { Worker, type QueueWorkerOptions } from '../runtime/worker.js';

/** Builds a fresh driver for one test; drivers built by one call share nothing with other tests' queues. */
export type DriverFactory = () => QueueDriver | Promise<QueueDriver>;

/** Per-test resources the suite closes afterwards. */
export class Harness {
  readonly drivers: QueueDriver[] = [];
  readonly workers: Worker<unknown>[] = [];
  /** A queue name unique to this test, so drivers with shared stores (Redis, a directory) never mix tests. */
  readonly queueName = `conf-${randomBytes(5).toString('hex')}`;

  constructor(private readonly factory: DriverFactory) {}

  async driver(): Promise<QueueDriver> {
    const d = await this.factory();
    this.drivers.push(d);
    return d;
  }

  async queue(options: Partial<QueueOptions> = {}): Promise<Queue> {
    return new Queue(this.queueName, { driver: options.driver ?? (await this.driver()), ...options });
  }

  worker<T>(queue: Queue, handler: JobHandler<T>, options: QueueWorkerOptions = {}): Worker<T> {
    const w = new Worker<T>(queue, handler, { waitMs: 1000, ...options });
    this.workers.push(w as Worker<unknown>);
    return w;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close({ timeoutMs: 200 })));
    await Promise.all(this.drivers.map((d) => d.close()));
  }
}

/** Poll `check` until it returns true (bounded by `timeoutMs`); throws with `what` on timeout. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(intervalMs);
  }
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise with its resolve function, for handlers that wait on the test. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
