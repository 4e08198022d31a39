/** One queued item of a group commit and how to settle it. */
export interface Pending<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** Options of a group commit. */
export interface GroupCommitOptions<T, R> {
  /**
   * Write one batch and settle each of its items. A throw (or rejection) rejects every item of the
   * batch not settled yet with that error.
   */
  write(batch: Pending<T, R>[]): Promise<void>;
  /** Most items per batch (default unlimited; 1 writes each item on its own). */
  maxBatch?: number;
  /** Batches in flight at once (default 1); batches start in the order their items were submitted. */
  concurrency?: number;
  /**
   * When the first batch starts (the next ones start as soon as one finishes, with what queued meanwhile):
   * - 'tick' (default): on the next tick, so every item submitted in this tick — the appends that a
   *   finished batch woke among them — goes out together;
   * - 'now': at once, with the item that found nothing in flight.
   * With 'tick', a finished batch also hands over to the next on the next tick.
   */
  start?: 'tick' | 'now';
  /**
   * With `concurrency` ≥ 2 and nothing in flight, a queue of at least this many items goes out as two
   * halves (default: never). The submitters then settle into two cohorts that alternate: one prepares
   * its next items while the other's batch is being written.
   */
  splitAt?: number;
}

/**
 * Group commit: items submitted while a batch is in flight are written together as the next batch, so
 * N concurrent submitters cost about one write (one fsync, one script call, one statement) instead of N.
 * Shared by the file, Redis and PostgreSQL event stores.
 * @example
 * const commit = new GroupCommit<string, number>({ write: async (batch) => batch.forEach((p, i) => p.resolve(i)) });
 * await commit.submit('a');
 */
export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly splitAt: number;
  private readonly pumpNow = (): void => {
    this.scheduled = false;
    this.pump();
  };

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    this.maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
    this.concurrency = options.concurrency ?? 1;
    this.splitAt = this.concurrency >= 2 ? (options.splitAt ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  }

  /** Queue an item; settles as its batch's `write` settles it. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.options.start === 'now') this.pump();
      else this.schedule();
    });
  }

  /** Items queued or in flight. */
  get busy(): boolean {
    return this.inFlight > 0 || this.queue.length > 0;
  }

  /** Start what can start now (as many batches as `concurrency` allows) instead of on the next tick. */
  flush(): void {
    this.pump();
  }

  /** Reject every queued item (not those in flight) with `error`. */
  rejectQueued(error: unknown): void {
    const queued = this.queue;
    this.queue = [];
    for (const p of queued) p.reject(error);
    this.settleIdle();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    process.nextTick(this.pumpNow);
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      let take = Math.min(this.queue.length, this.maxBatch);
      if (this.inFlight === 0 && take === this.queue.length && take >= this.splitAt) take = Math.ceil(take / 2);
      const batch = take === this.queue.length ? this.queue : this.queue.slice(0, take);
      this.queue = take === this.queue.length ? [] : this.queue.slice(take);
      this.inFlight++;
      void this.run(batch);
    }
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    try {
      await this.options.write(batch);
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
    this.inFlight--;
    if (this.options.start === 'now') this.pump();
    else this.schedule();
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.busy || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
