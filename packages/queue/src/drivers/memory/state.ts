import type { BackoffSpec, Encoded, FailedJobRecord, JobError, NewJob } from '../../contract/job.js';
import { ReadyList } from './ready-list.js';
import { Waiters } from './waiters.js';

/**
 * One live job in memory. A class so every entry has one stable shape from birth (no field-type churn).
 * It copies the pushed job's fields instead of keeping the pushed object, so that object dies young
 * and a backlog costs one object per job (plus its id and payload strings).
 */
export class Entry {
  readonly id: string;
  readonly dedupe: boolean;
  readonly name: string;
  readonly data: Encoded;
  readonly priority: number;
  readonly attempts: number;
  readonly backoff: BackoffSpec;
  readonly timeout: number;
  readonly createdAt: number;
  /** The claimed job's meta replaces it on retry (instrumentation adds to it). */
  meta: Record<string, string> | undefined;
  attemptsMade = 0;
  stalls = 0;
  /** Errors of failed attempts (allocated on the first one). */
  errors: JobError[] | undefined = undefined;
  /** Current lease token while active, else ''. */
  lease = '';
  /**
   * Lease expiry (epoch ms) while active. Starts as null on purpose: the field stays tagged, so a
   * waiting job carries no number box for it (a double field would allocate one per entry).
   */
  leaseExpiry: number | null = null;
  /** runAt when it differs from createdAt (delayed or retried), else null: same tagged-field reason. */
  private due: number | null = null;

  constructor(
    job: NewJob,
    readonly seq: number,
  ) {
    this.id = job.id;
    this.dedupe = job.dedupe;
    this.name = job.name;
    this.data = job.data;
    this.priority = job.priority;
    this.attempts = job.attempts;
    this.backoff = job.backoff;
    this.timeout = job.timeout;
    this.createdAt = job.createdAt;
    this.meta = job.meta;
    if (job.runAt !== job.createdAt) this.due = job.runAt;
  }

  /** Epoch ms at which the job is (or was) due. */
  get runAt(): number {
    return this.due ?? this.createdAt;
  }

  set runAt(value: number) {
    this.due = value === this.createdAt ? null : value;
  }
}

/** All state of one queue in the memory driver. */
export class QueueState {
  readonly ready = new ReadyList<Entry>();
  /** Sorted by (runAt, seq). */
  delayed: Entry[] = [];
  /** Active jobs by lease token. */
  readonly active = new Map<string, Entry>();
  /** Dedupe index: user job ids of live (waiting, delayed, active) jobs. */
  readonly liveIds = new Map<string, Entry>();
  readonly failed = new Map<string, FailedJobRecord>();
  readonly waiters = new Waiters();
  completed = 0;
  paused = false;

  addDelayed(entry: Entry): void {
    const d = this.delayed;
    let lo = 0;
    let hi = d.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = d[mid]!;
      if (m.runAt < entry.runAt || (m.runAt === entry.runAt && m.seq < entry.seq)) lo = mid + 1;
      else hi = mid;
    }
    d.splice(lo, 0, entry);
  }

  /** Move due delayed jobs to ready; returns ms until the next one is due (Infinity if none). */
  promote(now: number): number {
    let n = 0;
    while (n < this.delayed.length && this.delayed[n]!.runAt <= now) {
      const e = this.delayed[n++]!;
      this.ready.push(e.priority, e);
    }
    if (n > 0) this.delayed.splice(0, n);
    const next = this.delayed[0];
    return next === undefined ? Number.POSITIVE_INFINITY : next.runAt - now;
  }
}
