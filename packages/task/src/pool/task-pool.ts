import { OdyError } from '@ody/core';
import { TASK_INSTRUMENTATION, type TaskInstrumentation } from '../instrumentation.js';

type InstrumentationSlot = { [TASK_INSTRUMENTATION]?: TaskInstrumentation };
import { TaskQueueFullError } from '../errors.js';
import { RESULT_STRIDE, type RetryPolicy, STATUS_OK, type SerializedError } from '../protocol.js';
import { abortedError, crashError, rebuildError, shutdownError, startError, timeoutError } from './failures.js';
import {
  type ParsedRunOptions,
  parseRunOptions,
  type ResolvedPoolOptions,
  type RunOptions,
  resolvePoolOptions,
  retryDelay,
  type TaskPoolOptions,
} from './options.js';
import { PriorityQueue } from './priority-queue.js';
import { batchCapacity, RunTimes, type TaskPoolStats } from './stats.js';
import { TaskRecord, TaskState } from './task-record.js';
import { Thread, type ThreadEvents } from './thread.js';
import type { TaskPayload, TaskResult, TaskCall, TaskMap, TaskPool } from './types.js';

const MAX_ID = 2 ** 30;
const MAX_REQUEUES = 2;
const NO_TIMEOUT = () => {};

/**
 * The TaskPool implementation (internal; build one with createTaskPool).
 * Hot path: run() queues a record; one microtask later the queue is split into batches, one postMessage
 * per thread; each thread answers a batch with one postMessage.
 */
class ThreadPool<T extends TaskMap = TaskMap> implements TaskPool<T>, ThreadEvents {
  private readonly options: ResolvedPoolOptions;
  private readonly queue = new PriorityQueue<TaskRecord>();
  private readonly threads: Thread[] = [];
  private readonly times = new RunTimes();
  private readonly meta = new Map<string, RetryPolicy | null>();
  /** Settles pending later() timers at shutdown. */
  private readonly delayed = new Map<NodeJS.Timeout, () => void>();
  /** Records waiting out a retry backoff (settled at shutdown). */
  private readonly waiting = new Set<TaskRecord>();
  private readonly flushBound = () => this.flush();
  private starting = 0;
  private nextId = 1;
  private flushScheduled = false;
  private flushEpoch = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private onDrained: (() => void) | undefined;
  private reaper: NodeJS.Timeout | undefined;

  constructor(options: TaskPoolOptions) {
    this.options = resolvePoolOptions(options);
    for (let i = 0; i < this.options.minThreads; i++) this.spawn();
  }

  /**
   * Run a task by name; resolves with its result.
   * @example const sum = await tasks.run('add', { a: 1, b: 2 }, { priority: 5, timeoutMs: 1000 });
   */
  run<K extends keyof T & string>(name: K, payload: TaskPayload<T, K>, options?: RunOptions): Promise<TaskResult<T, K>> {
    if (this.state !== 'open') return Promise.reject(shutdownError(name, false));
    let parsed: ParsedRunOptions | undefined;
    if (options !== undefined) {
      const result = parseRunOptions(name, options, this.options.defaultTimeoutMs);
      if (result instanceof Error) return Promise.reject(result);
      parsed = result;
    }
    if (this.queue.size >= this.options.maxQueue) return Promise.reject(new TaskQueueFullError(name, this.queue.size, this.options.maxQueue));
    return new Promise((resolve, reject) => {
      const id = this.nextId;
      this.nextId = id >= MAX_ID ? 1 : id + 1;
      const rec =
        parsed === undefined
          ? new TaskRecord(id, name, payload, 0, this.options.defaultTimeoutMs, undefined, undefined, undefined, resolve as (v: unknown) => void, reject)
          : new TaskRecord(id, name, payload, parsed.priority, parsed.timeoutMs, parsed.signal, parsed.transferList, parsed.retry, resolve as (v: unknown) => void, reject);
      const instrumentation = (globalThis as InstrumentationSlot)[TASK_INSTRUMENTATION];
      if (instrumentation?.headers !== undefined) rec.headers = instrumentation.headers(name);
      rec.listenForAbort(() => this.abort(rec));
      this.enqueue(rec);
    });
  }

  /** Run many tasks; resolves when every one has settled, with one settled result per task, in order. */
  runAll<K extends keyof T & string>(calls: readonly TaskCall<T, K>[]): Promise<PromiseSettledResult<TaskResult<T, K>>[]> {
    return Promise.allSettled(calls.map((c) => this.run(c.name, c.payload, c.options)));
  }

  /** Run a task after `delayMs`; the delay is cancelled (and the promise rejected) if the pool closes first. */
  later<K extends keyof T & string>(delayMs: number, name: K, payload: TaskPayload<T, K>, options?: RunOptions): Promise<TaskResult<T, K>> {
    if (this.state !== 'open') return Promise.reject(shutdownError(name, false));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        this.run(name, payload, options).then(resolve, reject);
      }, delayMs);
      this.delayed.set(timer, () => reject(shutdownError(name, false)));
    });
  }

  /** Counters and run times right now. */
  stats(): TaskPoolStats {
    let running = 0;
    for (const t of this.threads) running += t.inflight.size;
    return {
      queued: this.queue.size,
      running,
      completed: this.times.completed,
      failed: this.times.failed,
      meanMs: this.times.meanMs,
      p99Ms: this.times.p99Ms,
      threads: this.threads.length,
    };
  }

  /** Thread ids alive now (for diagnostics and tests). */
  threadIds(): number[] {
    return this.threads.map((t) => t.id);
  }

  /**
   * Stop: queued and delayed tasks reject with ODY_TASK_SHUTDOWN at once; running tasks get `timeoutMs`
   * (default 10 s) to finish, then their threads are terminated and they reject with ODY_TASK_SHUTDOWN.
   */
  close(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    this.closing ??= this.runClose(options.timeoutMs ?? 10_000, options.signal);
    return this.closing;
  }

  private async runClose(timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    this.state = 'closing';
    clearInterval(this.reaper);
    for (const rec of this.queue.drain()) this.finish(rec, false, shutdownError(rec.name, false));
    for (const [timer, rejectIt] of this.delayed) {
      clearTimeout(timer);
      rejectIt();
    }
    this.delayed.clear();
    for (const rec of this.waiting) this.finish(rec, false, shutdownError(rec.name, false));
    this.waiting.clear();
    if (this.running() > 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal?.addEventListener('abort', done, { once: true });
        this.onDrained = done;
      });
    }
    this.onDrained = undefined;
    const threads = this.threads.splice(0);
    for (const t of threads) {
      for (const rec of t.inflight.values()) this.finish(rec, false, shutdownError(rec.name, true));
      t.inflight.clear();
    }
    await Promise.all(threads.map((t) => t.retire()));
    this.state = 'closed';
  }

  private running(): number {
    let n = 0;
    for (const t of this.threads) n += t.inflight.size;
    return n;
  }

  private enqueue(rec: TaskRecord): void {
    rec.attempts++;
    rec.queued();
    this.queue.push(rec);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushBound);
    }
  }

  /** Hand queued tasks to ready threads, in priority order, in batches. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.size === 0 || this.state !== 'open') return;
    const cap = batchCapacity(this.times.recentMs, this.options.maxBatch);
    const epoch = ++this.flushEpoch;
    // Share the backlog between threads that can take work now and threads the pool may still start,
    // one batch per thread per pass, so a backlog grows the pool instead of piling onto one thread.
    let spread = this.options.maxThreads - this.threads.length;
    for (const t of this.threads) if (t.ready && !t.exclusive && t.inflight.size < cap) spread++;
    const share = Math.ceil(this.queue.size / Math.max(1, spread));
    while (this.queue.size > 0) {
      let best: Thread | undefined;
      for (const t of this.threads) {
        if (!t.ready || t.exclusive || t.servedIn === epoch || t.inflight.size >= cap) continue;
        if (best === undefined || t.inflight.size < best.inflight.size) best = t;
      }
      if (best === undefined) break;
      best.servedIn = epoch;
      const head = this.queue.peek()!;
      if (head.exclusive) {
        if (best.inflight.size > 0) break;
        this.queue.shift();
        best.exclusive = true;
        head.running(best, () => this.kill(head, timeoutError(head.name, head.timeoutMs), true));
        best.send([head]);
        continue;
      }
      let n = Math.min(cap - best.inflight.size, share);
      const batch: TaskRecord[] = [];
      while (n-- > 0) {
        const next = this.queue.peek();
        if (next === undefined || next.exclusive) break;
        const rec = this.queue.shift()!;
        rec.running(best, NO_TIMEOUT);
        batch.push(rec);
      }
      best.send(batch);
    }
    if (this.queue.size > 0) this.grow();
  }

  private grow(): void {
    if (this.starting === 0 && this.threads.length < this.options.maxThreads) this.spawn();
  }

  private spawn(): void {
    const o = this.options;
    this.threads.push(new Thread({ modules: o.modules, resourceLimits: o.resourceLimits }, this));
    this.starting++;
    if (this.threads.length > o.minThreads && this.reaper === undefined) {
      const every = Math.max(50, Math.floor(o.idleTimeoutMs / 2));
      this.reaper = setInterval(() => this.reap(), every);
      this.reaper.unref();
    }
  }

  private reap(): void {
    const now = Date.now();
    for (const t of [...this.threads]) {
      if (this.threads.length <= this.options.minThreads) break;
      if (t.ready && t.inflight.size === 0 && now - t.idleSince >= this.options.idleTimeoutMs) this.remove(t);
    }
    if (this.threads.length <= this.options.minThreads) {
      clearInterval(this.reaper);
      this.reaper = undefined;
    }
  }

  /** @internal thread → pool */
  onMessage(thread: Thread, message: unknown): void {
    if (Array.isArray(message)) {
      this.onResults(thread, message);
      return;
    }
    const m = message as { t: string; tasks?: Record<string, RetryPolicy | null>; error?: SerializedError };
    if (m.t === 'ready') {
      thread.ready = true;
      this.starting--;
      thread.idleSince = Date.now();
      for (const [name, policy] of Object.entries(m.tasks ?? {})) this.meta.set(name, policy);
      this.flush();
    } else if (m.t === 'start-failed') {
      thread.lastError = rebuildError(m.error!, '(startup)');
      void thread.retire();
      this.onStartFailed(thread);
    }
  }

  private onResults(thread: Thread, results: unknown[]): void {
    for (let i = 0; i < results.length; i += RESULT_STRIDE) {
      const rec = thread.inflight.get(results[i] as number);
      if (rec === undefined) continue;
      thread.inflight.delete(rec.id);
      this.times.record(results[i + 3] as number);
      if (results[i + 1] === STATUS_OK) this.finish(rec, true, results[i + 2]);
      else this.fail(rec, rebuildError(results[i + 2] as SerializedError, rec.name));
    }
    if (thread.inflight.size === 0) {
      thread.exclusive = false;
      thread.idleSince = Date.now();
    }
    if (this.queue.size > 0) this.flush();
    else if (this.onDrained !== undefined && this.running() === 0) this.onDrained();
  }

  /** Settle a record for good (its settle() releases its timers and abort listener) and count it. */
  private finish(rec: TaskRecord, ok: boolean, value: unknown): void {
    if (!rec.settle(ok, value)) return;
    if (ok) this.times.completed++;
    else this.times.failed++;
  }

  /** A failed attempt: retry with backoff when the task is retryable, else reject. */
  private fail(rec: TaskRecord, error: unknown): void {
    const policy = rec.retry ?? this.meta.get(rec.name) ?? undefined;
    const attempts = policy?.attempts ?? 3;
    if (policy == null || rec.attempts >= attempts || this.state !== 'open') {
      this.finish(rec, false, error);
      return;
    }
    this.waiting.add(rec);
    rec.wait(retryDelay(policy, rec.attempts), () => {
      this.waiting.delete(rec);
      this.enqueue(rec);
    });
  }

  private abort(rec: TaskRecord): void {
    const error = abortedError(rec.name, rec.signal?.reason);
    switch (rec.state) {
      case TaskState.Running:
        this.kill(rec, error, false);
        return;
      case TaskState.Waiting:
        this.waiting.delete(rec);
        this.finish(rec, false, error);
        return;
      case TaskState.Queued:
        this.queue.cancel(rec);
        this.finish(rec, false, error);
        return;
      case TaskState.Settled:
        return;
    }
  }

  /** Terminate the thread running `rec` (timeout or abort), fail `rec`, and replace the thread. */
  private kill(rec: TaskRecord, error: Error, mayRetry: boolean): void {
    const thread = rec.thread;
    if (thread === undefined || rec.state !== TaskState.Running) return;
    thread.inflight.delete(rec.id);
    this.remove(thread);
    if (mayRetry) this.fail(rec, error);
    else this.finish(rec, false, error);
  }

  /** Retire a thread on purpose; tasks it still held go back to the queue head. */
  private remove(thread: Thread): void {
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
    if (!thread.ready) this.starting--;
    thread.ready = false;
    void thread.retire();
    for (const rec of thread.inflight.values()) this.requeue(rec);
    thread.inflight.clear();
    this.refill();
  }

  private requeue(rec: TaskRecord): void {
    rec.queued();
    this.queue.pushFront(rec);
  }

  private refill(): void {
    if (this.state !== 'open') return;
    while (this.threads.length < this.options.minThreads) this.spawn();
    if (this.queue.size > 0) this.flush();
  }

  /** @internal thread → pool */
  onExit(thread: Thread, code: number, error: Error | undefined): void {
    if (thread.retiring) return;
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
    if (!thread.ready) {
      this.onStartFailed(thread);
      return;
    }
    thread.ready = false;
    const culprit = thread.current[0];
    const id = thread.id;
    this.options.logger?.error({ threadId: id, exitCode: code, err: error }, 'task thread crashed; replacing it');
    for (const rec of thread.inflight.values()) {
      if (rec.id === culprit || ++rec.requeues > MAX_REQUEUES) this.fail(rec, crashError(rec.name, id, code, error));
      else this.requeue(rec);
    }
    thread.inflight.clear();
    this.refill();
  }

  /** Modules failed to load: fail what waits on that thread, and the queue when no thread can run it. */
  private onStartFailed(thread: Thread): void {
    if (thread.startFailed) return;
    thread.startFailed = true;
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
    this.starting--;
    const cause = thread.lastError;
    const error = OdyError.is(cause, 'ODY_TASK_INVALID_MODULE') ? cause : startError(this.options.modules, cause);
    this.options.logger?.error({ err: error }, 'task thread failed to start');
    const anyReady = this.threads.some((t) => t.ready);
    if (!anyReady) for (const rec of this.queue.drain()) this.finish(rec, false, error);
  }
}

/**
 * Start a pool of worker threads that run the tasks exported by `modules`.
 * @example
 * const tasks = createTaskPool<typeof import('./tasks.js').default.tasks>({ modules: [new URL('./tasks.js', import.meta.url)] });
 * await tasks.run('add', { a: 1, b: 2 }); // 3
 */
export function createTaskPool<T extends TaskMap = TaskMap>(options: TaskPoolOptions): TaskPool<T> {
  return new ThreadPool<T>(options);
}
