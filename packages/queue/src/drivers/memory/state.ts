import type { FailedJobRecord, JobError, NewJob } from '../../contract/job.js';
import { ReadyList } from './ready-list.js';
import { Waiters } from './waiters.js';

/** One live job in memory. A class so every entry has one stable shape from birth (no field-type churn). */
export class Entry {
  attemptsMade = 0;
  stalls = 0;
  /** Errors of failed attempts (allocated on the first one). */
  errors: JobError[] | undefined = undefined;
  /** Current lease token while active, else ''. */
  lease = '';
  /** Epoch ms; starts as a double (-Infinity) so assigning a timestamp never changes the field's representation. */
  leaseExpiry = Number.NEGATIVE_INFINITY;
  runAt: number;

  constructor(
    readonly job: NewJob,
    readonly seq: number,
  ) {
    this.runAt = job.runAt;
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
      this.ready.push(e.job.priority, e);
    }
    if (n > 0) this.delayed.splice(0, n);
    const next = this.delayed[0];
    return next === undefined ? Number.POSITIVE_INFINITY : next.runAt - now;
  }
}
