import { Emitter, type EmitterLogger } from '@ody/core';
import type { BackoffStrategy } from '../contract/backoff.js';
import { type InlineOps, inlineOps } from '../contract/inline.js';
import type { ClaimedJob, FailReason, JobError } from '../contract/job.js';
import { QueueError } from '../errors.js';
import { RunningJob } from './attempt.js';
import type { JobHandler, Job } from './job.js';
import { JobRunner } from './job-runner.js';
import type { Queue } from './queue.js';
import { checkWorkerOptions } from './worker-options.js';

/** Options of a Worker; `T` is the payload type of its queue. */
// biome-ignore lint/correctness/noUnusedVariables: T keeps QueueWorkerOptions<T> aligned with Worker<T> for callers
export interface QueueWorkerOptions<T = unknown> {
  /** Jobs run at once. Default 1. */
  concurrency?: number;
  /** Lease (visibility timeout) in ms, renewed every leaseMs/3 while a job runs. Default 30000. */
  leaseMs?: number;
  /** Redeliveries after lost leases before a job fails with reason 'stalled'. Default 1. */
  maxStalls?: number;
  /** How often this worker looks for expired leases. Default leaseMs / 2. */
  recoverIntervalMs?: number;
  /** Longest single wait for new jobs in a claim (wake-ups end it early). Default 5000. */
  waitMs?: number;
  /** Named strategies for `backoff: { type: 'custom', name }`. */
  backoffStrategies?: Record<string, BackoffStrategy>;
  /** Start fetching at once. Default true; otherwise call run(). */
  autorun?: boolean;
  /** Where a throwing event listener (or an 'error' nobody listens to) is reported; default console.error. */
  logger?: EmitterLogger;
}

/** Events of a Worker (local to the process it runs in); `T` is the payload type, so `job.data` is typed. */
export type WorkerEvents<T = unknown> = {
  active: (job: Job<T>) => void;
  completed: (job: Job<T>, result: unknown) => void;
  /** The job went to the failed store. `job` is undefined when the payload could not be decoded. */
  failed: (job: Job<T> | undefined, error: JobError, reason: FailReason, id: string) => void;
  retrying: (job: Job<T>, error: JobError, delayMs: number) => void;
  /** A job whose lease expired was put back ('requeued') or failed past maxStalls ('failed'). */
  stalled: (id: string, outcome: 'requeued' | 'failed') => void;
  progress: (job: Job<T>, value: unknown) => void;
  /** Driver errors; the worker keeps going. (A throwing listener is logged, never emitted here.) */
  error: (error: unknown) => void;
};

/**
 * Runs a handler for the jobs of one queue with bounded concurrency, leases, retries and timeouts.
 * @example
 * const worker = new Worker(emails, async (job, { signal }) => send(job.data, { signal }), { concurrency: 10 });
 * worker.on('failed', (job, err) => log.warn(err));
 * await worker.close();
 */
export class Worker<T = unknown> {
  readonly queue: Queue<T>;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly maxStalls: number;
  private readonly events: Emitter<WorkerEvents<T>>;
  /** Jobs whose handler runs (bounded by concurrency). */
  private readonly active = new Set<RunningJob>();
  /** Jobs whose handler is done and whose ack has not landed yet (their slot is already free). */
  private readonly settling = new Set<RunningJob>();
  private readonly maxSettling: number;
  private readonly runner: JobRunner<T>;
  private readonly waitMs: number;
  private readonly recoverIntervalMs: number;
  private stop = new AbortController();
  private running = false;
  private closed = false;
  private loopDone: Promise<void> = Promise.resolve();
  private slotWaiter: (() => void) | undefined;
  private drainWaiter: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly inline: InlineOps | undefined;

  constructor(queue: Queue<T>, handler: JobHandler<T>, options: QueueWorkerOptions<T> = {}) {
    const o = checkWorkerOptions(queue.name, options);
    this.events = new Emitter<WorkerEvents<T>>({ ...(options.logger ? { logger: options.logger } : {}), source: `queue worker ${queue.name}` });
    this.queue = queue;
    this.concurrency = o.concurrency;
    this.leaseMs = o.leaseMs;
    this.maxStalls = o.maxStalls;
    this.waitMs = o.waitMs;
    this.recoverIntervalMs = o.recoverIntervalMs;
    this.maxSettling = Math.max(64, 2 * o.concurrency);
    this.runner = new JobRunner(queue, handler, this.events, options.backoffStrategies ?? {}, (r) => this.release(r));
    this.inline = inlineOps(queue.driver);
    if (o.autorun) this.run();
  }

  /** Listen to an event; returns an unsubscribe function. */
  on<K extends keyof WorkerEvents<T>>(event: K, listener: WorkerEvents<T>[K]): () => void {
    return this.events.on(event, listener);
  }

  /** Whether the worker is fetching jobs. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Jobs running now. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Start fetching (no-op when running). */
  run(): void {
    if (this.closed) throw new QueueError('ODY_QUEUE_CLOSED', `Worker of queue '${this.queue.name}' is closed; create a new one.`);
    if (this.running) return;
    this.running = true;
    this.stop = new AbortController();
    const renew = setInterval(() => void this.renewLeases(), Math.max(10, Math.floor(this.leaseMs / 3)));
    const recover = setInterval(() => void this.recover(), this.recoverIntervalMs);
    renew.unref();
    recover.unref();
    this.timers = [renew, recover];
    void this.recover();
    this.loopDone = this.loop();
  }

  /**
   * Stop fetching, let running jobs finish and their acks land, up to `timeoutMs` (default 10000), then
   * abort the rest and leave them to be redelivered when their leases expire. Nothing is lost.
   * `signal` (e.g. the app's shutdown budget) ends the wait early the same way.
   */
  async close(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.running = false;
    this.stop.abort();
    this.slotWaiter?.();
    await this.loopDone;
    if (this.active.size > 0 || this.settling.size > 0) {
      const { signal } = options;
      if (!signal?.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, options.timeoutMs ?? 10_000);
          signal?.addEventListener('abort', done, { once: true });
          this.drainWaiter = done;
        });
      }
      const giveUp = new QueueError('ODY_QUEUE_CLOSED', `Worker of queue '${this.queue.name}' closed before the job finished; it will be redelivered.`);
      for (const r of this.active) {
        r.abandoned = true;
        r.abort(giveUp);
      }
    }
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private async loop(): Promise<void> {
    // Never run handlers inside the constructor/run(): listeners added right after must see every job.
    await Promise.resolve();
    let sinceYield = 0;
    while (this.running) {
      const free = this.concurrency - this.active.size;
      // Acks in flight do not hold a slot, but their number is bounded (memory, and back-pressure
      // when the store is slower to ack than to hand out jobs).
      if (free <= 0 || this.settling.size >= this.maxSettling) {
        await new Promise<void>((resolve) => {
          this.slotWaiter = resolve;
        });
        this.slotWaiter = undefined;
        continue;
      }
      let jobs: ClaimedJob[];
      try {
        // In-process drivers hand out ready jobs synchronously; the async claim is only for waiting.
        jobs = this.inline === undefined ? [] : this.inline.take(this.queue.name, free, this.leaseMs);
        if (jobs.length === 0) {
          jobs = await this.queue.driver.claim(this.queue.name, {
            max: free,
            leaseMs: this.leaseMs,
            waitMs: this.waitMs,
            signal: this.stop.signal,
          });
        }
        sinceYield += jobs.length;
      } catch (err) {
        this.events.emit('error', err);
        await pause(1000, this.stop.signal);
        continue;
      }
      for (const claimed of jobs) this.start(claimed);
      if (sinceYield >= YIELD_EVERY) {
        // Claims and handlers that settle at once only run microtasks: let timers (lease renewal) and
        // I/O (fs.watch events, sockets) run now and then, whatever the driver.
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  private start(claimed: ClaimedJob): void {
    const running = new RunningJob(claimed);
    this.active.add(running);
    let pending: Promise<void> | undefined;
    try {
      pending = this.runner.process(running);
    } catch (err) {
      this.events.emit('error', err);
    }
    if (pending === undefined) {
      this.finish(running);
      return;
    }
    pending.then(
      () => this.finish(running),
      (err) => {
        this.events.emit('error', err);
        this.finish(running);
      },
    );
  }

  /**
   * The handler is done and its ack was issued: free the slot now so the next claim goes out in the
   * same tick as the ack (drivers that batch, like Redis, send both in one round trip). The job stays
   * tracked until the ack lands: close() waits for it and its lease keeps being renewed.
   */
  private release(running: RunningJob): void {
    if (running.settling || !this.active.delete(running)) return;
    running.settling = true;
    this.settling.add(running);
    this.slotWaiter?.();
  }

  /** The job reached its end state (its ack landed, failed, or was skipped). */
  private finish(running: RunningJob): void {
    if (running.settling) this.settling.delete(running);
    else this.active.delete(running);
    this.slotWaiter?.();
    if (this.drainWaiter !== undefined && this.active.size === 0 && this.settling.size === 0) this.drainWaiter();
  }

  private async renewLeases(): Promise<void> {
    const list: RunningJob[] = [];
    for (const r of this.active) if (!r.lost && !r.abandoned) list.push(r);
    for (const r of this.settling) list.push(r);
    if (list.length === 0) return;
    try {
      const held = await this.queue.driver.extend(this.queue.name, list.map((r) => r.claimed), this.leaseMs);
      held.forEach((ok, i) => {
        const r = list[i]!;
        // A settling job's handler is done: a refused renewal (its ack landed first) changes nothing.
        if (ok || r.settling) return;
        r.lost = true;
        r.abort(
          new QueueError('ODY_QUEUE_LEASE_LOST', `Lease of job ${r.claimed.id} on queue '${this.queue.name}' was lost; it may run again elsewhere.`, {
            details: { id: r.claimed.id, queue: this.queue.name },
          }),
        );
      });
    } catch (err) {
      this.events.emit('error', err);
    }
  }

  private async recover(): Promise<void> {
    try {
      const { stalled, failed } = await this.queue.driver.recover(this.queue.name, this.maxStalls);
      for (const id of stalled) this.events.emit('stalled', id, 'requeued');
      for (const id of failed) this.events.emit('stalled', id, 'failed');
    } catch (err) {
      this.events.emit('error', err);
    }
  }
}

/** Jobs started synchronously between two yields to the event loop. */
const YIELD_EVERY = 256;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
