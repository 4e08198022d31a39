import type { ClaimOptions, ListOptions, QueueDriver, RecoverResult } from '../../contract/driver.js';
import { INLINE_OPS, type InlineOps } from '../../contract/inline.js';
import type { ClaimedJob, FailedJobRecord, FailReason, JobCounts, JobError, NewJob, PushResult } from '../../contract/job.js';
import { QueueError } from '../../errors.js';
import { Entry, QueueState } from './state.js';

/** Options of the memory driver (none yet; kept for symmetry with other drivers). */
export type MemoryDriverOptions = Record<string, never>;

/**
 * In-process driver: the reference implementation of the contract, for tests and development.
 * Nothing survives the process. Leases, stalls and the failed store behave as in durable drivers.
 */
export class MemoryDriver implements QueueDriver {
  readonly name = 'memory';
  private readonly queues = new Map<string, QueueState>();
  private seq = 0;
  private closed = false;
  /** Synchronous twins used by Queue and Worker in the same process (internal; see contract/inline.ts). */
  readonly [INLINE_OPS]: InlineOps = {
    push: (queue, jobs) => this.pushNow(queue, jobs),
    pushOne: (queue, job) => {
      const q = this.q(queue);
      const result = this.add(q, job, Date.now());
      q.waiters.notify();
      return result;
    },
    take: (queue, max, leaseMs) => {
      const got = this.take(this.q(queue), max, leaseMs);
      return typeof got === 'number' ? [] : got;
    },
    complete: (queue, job) => this.completeNow(queue, job),
  };

  private q(name: string): QueueState {
    if (this.closed) throw new QueueError('ODY_QUEUE_CLOSED', 'The memory queue driver is closed.');
    let state = this.queues.get(name);
    if (state === undefined) {
      state = new QueueState();
      this.queues.set(name, state);
    }
    return state;
  }

  async push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]> {
    return this.pushNow(queue, jobs);
  }

  private pushNow(queue: string, jobs: readonly NewJob[]): PushResult[] {
    const q = this.q(queue);
    const now = Date.now();
    const out: PushResult[] = new Array(jobs.length);
    for (let i = 0; i < jobs.length; i++) out[i] = this.add(q, jobs[i]!, now);
    q.waiters.notify();
    return out;
  }

  private add(q: QueueState, job: NewJob, now: number): PushResult {
    if (job.dedupe && q.liveIds.has(job.id)) return { id: job.id, added: false };
    const entry = new Entry(job, this.seq++);
    if (job.dedupe) q.liveIds.set(job.id, entry);
    if (job.runAt > now) q.addDelayed(entry);
    else q.ready.push(job.priority, entry);
    return { id: job.id, added: true };
  }

  async claim(queue: string, o: ClaimOptions): Promise<ClaimedJob[]> {
    const q = this.q(queue);
    const first = this.take(q, o.max, o.leaseMs);
    if (typeof first !== 'number') return first;
    await q.waiters.wait(Math.min(o.waitMs, first), o.signal);
    if (this.closed) return [];
    const second = this.take(q, o.max, o.leaseMs);
    return typeof second === 'number' ? [] : second;
  }

  /** Claim ready jobs; returns them, or the ms until a delayed job is due when there are none. */
  private take(q: QueueState, max: number, leaseMs: number): ClaimedJob[] | number {
    if (q.paused) return Number.POSITIVE_INFINITY;
    const now = Date.now();
    const untilDue = q.delayed.length > 0 ? q.promote(now) : Number.POSITIVE_INFINITY;
    if (q.ready.size === 0) return untilDue;
    const out: ClaimedJob[] = [];
    while (out.length < max) {
      const e = q.ready.shift();
      if (e === undefined) break;
      e.lease = String(this.seq++);
      e.leaseExpiry = now + leaseMs;
      q.active.set(e.lease, e);
      out.push(toClaimed(e));
    }
    return out;
  }

  async extend(queue: string, jobs: readonly ClaimedJob[], leaseMs: number): Promise<boolean[]> {
    const q = this.q(queue);
    const now = Date.now();
    return jobs.map((j) => {
      const e = this.held(q, j);
      if (e === undefined) return false;
      e.leaseExpiry = now + leaseMs;
      return true;
    });
  }

  async complete(queue: string, job: ClaimedJob): Promise<boolean> {
    return this.completeNow(queue, job);
  }

  private completeNow(queue: string, job: ClaimedJob): boolean {
    const q = this.q(queue);
    const e = this.held(q, job);
    if (e === undefined) return false;
    this.release(q, e);
    q.completed++;
    return true;
  }

  async retry(queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean> {
    const q = this.q(queue);
    const e = this.held(q, job);
    if (e === undefined) return false;
    q.active.delete(e.lease);
    e.lease = '';
    e.attemptsMade = error.attempt;
    errorsOf(e).push(error);
    e.runAt = runAt;
    e.meta = job.meta;
    if (runAt > Date.now()) q.addDelayed(e);
    else q.ready.push(e.priority, e);
    q.waiters.notify();
    return true;
  }

  async fail(queue: string, job: ClaimedJob, reason: FailReason, error: JobError): Promise<boolean> {
    const q = this.q(queue);
    const e = this.held(q, job);
    if (e === undefined) return false;
    this.release(q, e);
    e.attemptsMade = error.attempt;
    errorsOf(e).push(error);
    this.toFailed(q, e, reason);
    return true;
  }

  async recover(queue: string, maxStalls: number): Promise<RecoverResult> {
    const q = this.q(queue);
    const now = Date.now();
    const result: RecoverResult = { stalled: [], failed: [] };
    for (const [lease, e] of q.active) {
      if (e.leaseExpiry !== null && e.leaseExpiry > now) continue;
      q.active.delete(lease);
      e.lease = '';
      e.stalls++;
      if (e.stalls > maxStalls) {
        if (e.dedupe) q.liveIds.delete(e.id);
        errorsOf(e).push(stalledError(e, maxStalls, now));
        this.toFailed(q, e, 'stalled');
        result.failed.push(e.id);
      } else {
        q.ready.push(e.priority, e);
        result.stalled.push(e.id);
      }
    }
    if (result.stalled.length > 0) q.waiters.notify();
    return result;
  }

  async pause(queue: string): Promise<void> {
    this.q(queue).paused = true;
  }

  async resume(queue: string): Promise<void> {
    const q = this.q(queue);
    q.paused = false;
    q.waiters.notify();
  }

  async isPaused(queue: string): Promise<boolean> {
    return this.q(queue).paused;
  }

  async counts(queue: string): Promise<JobCounts> {
    const q = this.q(queue);
    return { waiting: q.ready.size, delayed: q.delayed.length, active: q.active.size, completed: q.completed, failed: q.failed.size };
  }

  async oldestWaitingAt(queue: string): Promise<number | undefined> {
    let oldest: number | undefined;
    for (const e of this.q(queue).ready.heads()) if (oldest === undefined || e.runAt < oldest) oldest = e.runAt;
    return oldest;
  }

  async listFailed(queue: string, o: ListOptions = {}): Promise<FailedJobRecord[]> {
    const offset = o.offset ?? 0;
    return [...this.q(queue).failed.values()].slice(offset, offset + (o.limit ?? 100)).map(copyFailed);
  }

  async getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined> {
    const r = this.q(queue).failed.get(id);
    return r === undefined ? undefined : copyFailed(r);
  }

  async retryFailed(queue: string, ids?: readonly string[]): Promise<number> {
    const q = this.q(queue);
    let n = 0;
    for (const id of ids ?? [...q.failed.keys()]) {
      const r = q.failed.get(id);
      if (r === undefined) continue;
      q.failed.delete(id);
      const job: NewJob = { id: r.id, dedupe: r.dedupe, name: r.name, data: r.data ?? '', priority: r.priority, runAt: Date.now(), attempts: r.attempts, backoff: r.backoff, timeout: r.timeout, createdAt: r.createdAt };
      if (r.meta !== undefined) job.meta = r.meta;
      const entry = new Entry(job, this.seq++);
      if (job.dedupe) q.liveIds.set(job.id, entry);
      q.ready.push(job.priority, entry);
      n++;
    }
    if (n > 0) q.waiters.notify();
    return n;
  }

  async purgeFailed(queue: string, ids?: readonly string[]): Promise<number> {
    const q = this.q(queue);
    if (ids === undefined) {
      const n = q.failed.size;
      q.failed.clear();
      return n;
    }
    let n = 0;
    for (const id of ids) if (q.failed.delete(id)) n++;
    return n;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const q of this.queues.values()) q.waiters.notify();
    this.closed = true;
  }

  private held(q: QueueState, job: ClaimedJob): Entry | undefined {
    return q.active.get(job.lease);
  }

  private release(q: QueueState, e: Entry): void {
    q.active.delete(e.lease);
    e.lease = '';
    if (e.dedupe) q.liveIds.delete(e.id);
  }

  private toFailed(q: QueueState, e: Entry, reason: FailReason): void {
    const record: FailedJobRecord = {
      id: e.id, dedupe: e.dedupe, name: e.name, data: e.data, priority: e.priority, runAt: e.runAt, attempts: e.attempts,
      backoff: e.backoff, timeout: e.timeout, createdAt: e.createdAt, attemptsMade: e.attemptsMade, stalls: e.stalls,
      reason, errors: e.errors ?? [], failedAt: Date.now(),
    };
    if (e.meta !== undefined) record.meta = e.meta;
    q.failed.delete(e.id);
    q.failed.set(e.id, record);
  }
}

function toClaimed(e: Entry): ClaimedJob {
  const claimed: ClaimedJob = {
    id: e.id, dedupe: e.dedupe, name: e.name, data: e.data, priority: e.priority, runAt: e.runAt, attempts: e.attempts,
    backoff: e.backoff, timeout: e.timeout, createdAt: e.createdAt, attemptsMade: e.attemptsMade, stalls: e.stalls, lease: e.lease,
  };
  if (e.meta !== undefined) claimed.meta = e.meta;
  return claimed;
}

function errorsOf(e: Entry): JobError[] {
  if (e.errors === undefined) e.errors = [];
  return e.errors;
}

function copyFailed(r: FailedJobRecord): FailedJobRecord {
  return { ...r, errors: [...r.errors] };
}

function stalledError(e: Entry, maxStalls: number, now: number): JobError {
  return {
    attempt: e.attemptsMade + 1,
    name: 'QueueError',
    code: 'ODY_QUEUE_JOB_STALLED',
    message: `Job ${e.id} lost its lease ${e.stalls} times (maxStalls ${maxStalls}); its workers kept dying or freezing.`,
    at: now,
  };
}

/** Create an in-process queue driver. */
export function memoryDriver(_options: MemoryDriverOptions = {}): MemoryDriver {
  return new MemoryDriver();
}
