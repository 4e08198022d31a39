import type { EmitterLogger } from '@ody/core';
import type { Codec } from '../contract/codec.js';
import type { QueueDriver } from '../contract/driver.js';
import type { QueueDefinition } from '../runtime/definition.js';
import type { JobHandler } from '../runtime/job.js';
import { Queue } from '../runtime/queue.js';
import { Worker, type QueueWorkerOptions } from '../runtime/worker.js';

/** A queue by name, or by its typed definition (defineQueue). */
export type QueueRef<T> = string | QueueDefinition<T>;

/**
 * The queues of an application: one Queue per name on the app's driver, and workers that the plugin
 * starts at boot and closes at shutdown. Resolve with `app.get(Queues)`.
 */
export interface Queues {
  /** The driver every queue here uses. */
  readonly driver: QueueDriver;
  /**
   * The queue named `name` (created on first use); `T` types its payloads (or comes from a defineQueue()).
   * @example const emails = queues.queue<Email>('emails'); await emails.push('welcome', { to: 'a@b.co' });
   */
  queue<T = unknown>(ref: QueueRef<T>): Queue<T>;
  /**
   * Process jobs of a queue with `handler`. Before boot the worker starts at boot; after boot at once.
   * Workers close on app shutdown (in-flight jobs finish up to closeTimeoutMs; the rest is redelivered).
   */
  process<T = unknown>(ref: QueueRef<T>, handler: JobHandler<T>, options?: QueueWorkerOptions<T>): void;
  /** Workers started so far. */
  readonly workerCount: number;
}

/** Defaults the plugin applies to every queue and worker it makes. */
export interface QueuesDefaults {
  codec?: Codec;
  maxPayloadBytes: number;
  worker: QueueWorkerOptions;
  closeTimeoutMs: number;
  logger?: EmitterLogger;
}

interface PendingWorker {
  name: string;
  handler: JobHandler<never>;
  options: QueueWorkerOptions;
}

/** The Queues implementation the plugin binds (internal). */
export class QueueManager implements Queues {
  private readonly queues = new Map<string, Queue<unknown>>();
  private readonly pending: PendingWorker[] = [];
  private readonly workers: Worker<never>[] = [];
  private started = false;

  constructor(readonly driver: QueueDriver, private readonly defaults: QueuesDefaults) {}

  queue<T = unknown>(ref: QueueRef<T>): Queue<T> {
    const name = typeof ref === 'string' ? ref : ref.name;
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, {
        driver: this.driver,
        maxPayloadBytes: this.defaults.maxPayloadBytes,
        ...(this.defaults.codec ? { codec: this.defaults.codec } : {}),
        ...(typeof ref !== 'string' && ref.defaults !== undefined ? { defaults: ref.defaults } : {}),
      });
      this.queues.set(name, queue);
    }
    return queue as Queue<T>;
  }

  process<T = unknown>(ref: QueueRef<T>, handler: JobHandler<T>, options: QueueWorkerOptions<T> = {}): void {
    const name = typeof ref === 'string' ? ref : ref.name;
    if (typeof ref !== 'string') this.queue(ref);
    const entry: PendingWorker = {
      name,
      handler: handler as JobHandler<never>,
      options: { ...this.defaults.worker, ...(this.defaults.logger ? { logger: this.defaults.logger } : {}), ...(options as QueueWorkerOptions) },
    };
    if (this.started) this.startWorker(entry);
    else this.pending.push(entry);
  }

  get workerCount(): number {
    return this.workers.length;
  }

  /** Start every registered worker (the plugin calls this at boot). */
  start(): void {
    this.started = true;
    for (const entry of this.pending.splice(0)) this.startWorker(entry);
  }

  /** Close workers (bounded by closeTimeoutMs, and by `signal` when the app's shutdown budget runs out), then the driver. */
  async stop(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.close({ timeoutMs: this.defaults.closeTimeoutMs, ...(signal ? { signal } : {}) })));
    await this.driver.close();
  }

  private startWorker(entry: PendingWorker): void {
    this.workers.push(new Worker(this.queue<never>(entry.name), entry.handler, entry.options as QueueWorkerOptions<never>));
  }
}
