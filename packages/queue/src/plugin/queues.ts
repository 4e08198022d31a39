import type { Codec } from '../contract/codec.js';
import type { QueueDriver } from '../contract/driver.js';
import type { Handler } from '../runtime/job.js';
import { Queue } from '../runtime/queue.js';
import { Worker, type WorkerOptions } from '../runtime/worker.js';

/** Defaults the plugin applies to every queue and worker it makes. */
export interface QueuesDefaults {
  codec?: Codec;
  maxPayloadBytes: number;
  worker: WorkerOptions;
  closeTimeoutMs: number;
}

/**
 * The queues of an application: one Queue per name on the app's driver, and workers that the
 * plugin starts at boot and closes at shutdown. Resolve with `app.get(Queues)`.
 */
export class QueueManager {
  private readonly queues = new Map<string, Queue>();
  private readonly pending: { name: string; handler: Handler<never>; options: WorkerOptions }[] = [];
  private readonly workers: Worker<never>[] = [];
  private started = false;

  constructor(readonly driver: QueueDriver, private readonly defaults: QueuesDefaults) {}

  /** The queue named `name` (created on first use). */
  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, { driver: this.driver, maxPayloadBytes: this.defaults.maxPayloadBytes, ...(this.defaults.codec ? { codec: this.defaults.codec } : {}) });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Process jobs of queue `name` with `handler`. Before boot the worker starts at boot; after boot at once.
   * Workers close on app shutdown (in-flight jobs finish up to closeTimeoutMs; the rest is redelivered).
   */
  process<T>(name: string, handler: Handler<T>, options: WorkerOptions = {}): void {
    const entry = { name, handler: handler as Handler<never>, options: { ...this.defaults.worker, ...options } };
    if (this.started) this.startWorker(entry);
    else this.pending.push(entry);
  }

  /** Workers started so far. */
  get workerCount(): number {
    return this.workers.length;
  }

  /** Start every registered worker (the plugin calls this at boot). */
  start(): void {
    this.started = true;
    for (const entry of this.pending.splice(0)) this.startWorker(entry);
  }

  /** Close workers (bounded), then the driver. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.close({ timeoutMs: this.defaults.closeTimeoutMs })));
    await this.driver.close();
  }

  private startWorker(entry: { name: string; handler: Handler<never>; options: WorkerOptions }): void {
    this.workers.push(new Worker(this.get(entry.name), entry.handler, entry.options));
  }
}
