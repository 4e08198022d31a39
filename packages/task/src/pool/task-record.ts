import type { TransferListItem } from 'node:worker_threads';
import type { RetryPolicy } from '../protocol.js';
import type { Queueable } from './priority-queue.js';
import type { Thread } from './thread.js';

/** One submitted task, from run() until it settles. A class so every record has the same shape. */
export class TaskRecord implements Queueable {
  cancelled = false;
  /** Thread it was handed to, while running. */
  thread: Thread | undefined = undefined;
  timer: NodeJS.Timeout | undefined = undefined;
  /** Backoff timer while waiting to be retried. */
  waiting: NodeJS.Timeout | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** Attempts made so far (1 on the first run). */
  attempts = 0;
  /** Times it was put back after a thread it shared died under another task. */
  requeues = 0;
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
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void,
  ) {
    this.exclusive = timeoutMs > 0 || signal !== undefined;
  }
}
