import type { TransferListItem } from 'node:worker_threads';
import type { RetryPolicy } from '../protocol.js';
import type { Queueable } from './priority-queue.js';
import type { Thread } from './thread.js';

/** Where a submitted task is in its life. */
export const TaskState = {
  /** In the pool's queue, waiting for a thread. */
  Queued: 'queued',
  /** Handed to a thread. */
  Running: 'running',
  /** Failed an attempt; its retry timer runs. */
  Waiting: 'waiting',
  /** Resolved or rejected; nothing of it is left (no timer, no listener). */
  Settled: 'settled',
} as const;
/** Where a submitted task is in its life. */
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

/**
 * One submitted task, from run() until it settles. A class so every record has the same shape.
 * It owns its timers (timeout, retry wait) and its abort listener; `settle()` releases all of them.
 */
export class TaskRecord implements Queueable {
  state: TaskState = TaskState.Queued;
  /** Set by the priority queue when the record is dropped from it. */
  cancelled = false;
  /** Thread it was handed to, while running. */
  thread: Thread | undefined = undefined;
  /** Timeout of the running attempt. */
  private timer: NodeJS.Timeout | undefined = undefined;
  /** Backoff timer while waiting to be retried. */
  private waiting: NodeJS.Timeout | undefined = undefined;
  private onAbort: (() => void) | undefined = undefined;
  /** Attempts made so far (1 on the first run). */
  attempts = 0;
  /** Times it was put back after a thread it shared died under another task. */
  requeues = 0;
  /** Context headers from the TaskInstrumentation, sent with every attempt. */
  headers: Record<string, string> | undefined = undefined;
  /** Needs a thread of its own (timeout or signal), so a kill affects no other task. */
  readonly exclusive: boolean;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly payload: unknown,
    readonly priority: number,
    readonly timeoutMs: number,
    readonly signal: AbortSignal | undefined,
    readonly transferList: readonly TransferListItem[] | undefined,
    readonly retry: RetryPolicy | undefined,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    this.exclusive = timeoutMs > 0 || signal !== undefined;
  }

  /** Call `onAbort` when the task's signal fires (until it settles). */
  listenForAbort(onAbort: () => void): void {
    if (this.signal === undefined) return;
    this.onAbort = onAbort;
    this.signal.addEventListener('abort', onAbort, { once: true });
  }

  /** Back in the queue (first attempt, retry, or its thread went away). */
  queued(): void {
    this.clearTimers();
    this.thread = undefined;
    this.cancelled = false;
    this.state = TaskState.Queued;
  }

  /** Handed to `thread`; the attempt's timeout (if any) starts now and calls `onTimeout`. */
  running(thread: Thread, onTimeout: () => void): void {
    this.thread = thread;
    this.state = TaskState.Running;
    if (this.exclusive && this.timeoutMs > 0) this.timer = setTimeout(onTimeout, this.timeoutMs);
  }

  /** The attempt failed; run `retry` after `delayMs`. */
  wait(delayMs: number, retry: () => void): void {
    this.clearTimers();
    this.thread = undefined;
    this.state = TaskState.Waiting;
    this.waiting = setTimeout(() => {
      this.waiting = undefined;
      retry();
    }, delayMs);
  }

  /**
   * Resolve or reject for good, releasing the timeout, the retry timer and the abort listener.
   * Idempotent: returns false (and does nothing) when already settled.
   */
  settle(ok: boolean, value: unknown): boolean {
    if (this.state === TaskState.Settled) return false;
    this.state = TaskState.Settled;
    this.clearTimers();
    this.thread = undefined;
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
    if (ok) this.resolve(value);
    else this.reject(value);
    return true;
  }

  private clearTimers(): void {
    clearTimeout(this.timer);
    clearTimeout(this.waiting);
    this.timer = undefined;
    this.waiting = undefined;
  }
}
