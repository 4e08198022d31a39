import { lstatSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { ClaimOptions, ListOptions, QueueDriver, RecoverResult } from '../../contract/driver.js';
import type { ClaimedJob, FailedJobRecord, FailReason, JobCounts, JobError, NewJob, PushResult } from '../../contract/job.js';
import { OdyError } from '@ody/core';
import { QueueError } from '../../errors.js';
import { gone, promoteDelayed, takeReady } from './claim.js';
import { GroupCommit } from './commit.js';
import { dropMarker, processAlive } from './dedupe.js';
import { FailedFiles } from './failed-files.js';
import { moveGarbage } from './garbage.js';
import { formatName, leasedName, parseName, splitLeased, splitTimePrefixed, timePrefixed } from './names.js';
import { retryMetaPath } from './read.js';
import { QueueDir } from './queue-dir.js';
import { appendRegular } from './safe-io.js';
import { COMPLETION_RECORD_BYTES, completionRecord } from './completion.js';

/** Options of the filesystem driver. */
export interface FileSystemDriverOptions {
  /** Root directory; one subdirectory per queue. */
  dir: string;
  /** fsync data and directories before a push resolves (group commit). Default true. */
  durable?: boolean;
  /** Fallback listing interval for missed fs.watch events, ms. Default 1000. */
  pollMs?: number;
}

/**
 * A completing/ entry is `<leased name>!<owner pid, base36>[-<n>]`. Its owner moves it in and out within
 * one synchronous step, so an entry whose owner is gone (or this process), or that is older than this
 * (a pid reused by another process), was left by a crash.
 */
const ORPHAN_MS = 60_000;
const PID = process.pid.toString(36);
let recoverySeq = 0;

function ownerAlive(pid: number): boolean {
  return pid !== process.pid && processAlive(pid);
}

/**
 * Durable queues in a directory: state subdirectories, sortable file names, claim by atomic rename
 * (safe across processes on one host), group-committed fsyncs, fs.watch wake-ups. See README "On-disk layout".
 */
export class FileSystemDriver implements QueueDriver {
  readonly name = 'filesystem';
  readonly root: string;
  private readonly durable: boolean;
  private readonly pollMs: number;
  private readonly dirs = new Map<string, { dir: QueueDir; commit: GroupCommit; failed: FailedFiles }>();
  private closed = false;

  constructor(options: FileSystemDriverOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '') {
      throw new QueueError('ODY_QUEUE_OPTIONS_INVALID', 'filesystemDriver needs a `dir` (root directory of the queues).');
    }
    this.root = isAbsolute(options.dir) ? options.dir : resolve(options.dir);
    this.durable = options.durable ?? true;
    this.pollMs = options.pollMs ?? 1000;
  }

  private q(queue: string) {
    if (this.closed) throw new QueueError('ODY_QUEUE_CLOSED', `The filesystem queue driver on ${this.root} is closed.`);
    let entry = this.dirs.get(queue);
    if (entry === undefined) {
      let dir: QueueDir;
      try {
        dir = new QueueDir(this.root, queue);
      } catch (err) {
        throw new QueueError('ODY_QUEUE_IO', `Cannot open queue directory ${join(this.root, queue)}: ${(err as Error).message}`, { cause: err });
      }
      entry = { dir, commit: new GroupCommit(dir, this.durable), failed: new FailedFiles(dir) };
      this.dirs.set(queue, entry);
    }
    return entry;
  }

  async push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]> {
    return this.q(queue).commit.push(jobs);
  }

  async claim(queue: string, o: ClaimOptions): Promise<ClaimedJob[]> {
    const { dir } = this.q(queue);
    const first = this.tryClaim(dir, o);
    if (Array.isArray(first)) return first;
    await dir.waiters.wait(Math.min(o.waitMs, first, this.pollMs), o.signal);
    if (this.closed) return [];
    if (Date.now() - dir.lastListing >= this.pollMs) dir.readyDirty = dir.delayedDirty = true;
    const second = this.tryClaim(dir, o);
    return Array.isArray(second) ? second : [];
  }

  /** Claimed jobs, or ms until a delayed job is due when none is ready. */
  private tryClaim(dir: QueueDir, o: ClaimOptions): ClaimedJob[] | number {
    if (dir.paused) return Number.POSITIVE_INFINITY;
    const now = Date.now();
    const untilDue = promoteDelayed(dir, now);
    if (dir.readyDirty) dir.refill();
    let jobs = takeReady(dir, o, now);
    if (jobs.length === 0 && now - dir.lastListing >= Math.min(this.pollMs, 50)) {
      dir.refill();
      jobs = takeReady(dir, o, now);
    }
    return jobs.length > 0 ? jobs : untilDue;
  }

  async extend(queue: string, jobs: readonly ClaimedJob[], leaseMs: number): Promise<boolean[]> {
    const { dir } = this.q(queue);
    const expiry = Date.now() + leaseMs;
    return jobs.map((job) => {
      const current = dir.leases.get(job.lease);
      if (current === undefined) return false;
      const next = leasedName(splitLeased(current)!.name, expiry);
      try {
        renameSync(join(dir.leased, current), join(dir.leased, next));
        dir.leases.set(job.lease, next);
        return true;
      } catch (err) {
        if (!gone(err)) throw err;
        dir.leases.delete(job.lease);
        return false;
      }
    });
  }

  async complete(queue: string, job: ClaimedJob): Promise<boolean> {
    const { dir } = this.q(queue);
    const current = this.release(dir, job);
    if (current === undefined) return false;
    // 1. Take the job out of leased/ by an atomic rename: a lease lost meanwhile (expired and recovered
    //    by another process) fails here with ENOENT and is refused without counting, and no reaper can
    //    touch the job after this point.
    const completing = `${dir.completing}${sep}${current}!${PID}`;
    try {
      renameSync(dir.leased + sep + current, completing);
    } catch (err) {
      if (gone(err)) return false;
      throw ackError(dir.root, job.id, err);
    }
    // 2. Count it: one fixed-size record naming this delivery (so a crash between 2 and 3 is told apart
    //    from a crash between 1 and 2 by the reaper, and the count stays exact).
    try {
      if (writeSync(dir.completedFdNumber, completionRecord(current)) !== COMPLETION_RECORD_BYTES) {
        throw Object.assign(new Error('short write to completed.log'), { code: 'ENOSPC' });
      }
    } catch (err) {
      // Not counted: put it back under its lease, so it is redelivered when the lease expires.
      try {
        renameSync(completing, dir.leased + sep + current);
      } catch {
        // left in completing/: the reaper counts it once
      }
      throw ackError(dir.root, job.id, err);
    }
    // 3. Remove it.
    this.finishCompleted(dir, completing, current, job.dedupe);
    return true;
  }

  private finishCompleted(dir: QueueDir, path: string, leased: string, dedupe: boolean): void {
    unlinkQuiet(path);
    const parsed = parseName(splitLeased(leased)?.name ?? '');
    if (parsed !== undefined) {
      if (dedupe) dropMarker(dir, parsed.key);
      if (parsed.attemptsMade > 0) {
        unlinkQuiet(join(dir.errors, `${parsed.key}.jsonl`));
        unlinkQuiet(retryMetaPath(dir.errors, parsed.key));
      }
    }
  }

  /**
   * Jobs left in completing/ by a process that died after taking them out of leased/ (its pid is gone):
   * counted once
   * (unless their record is already in completed.log), then removed. Each is first renamed to a name of
   * this reaper's own, so two reapers never count one job twice.
   */
  private reapCompleting(dir: QueueDir, now: number): void {
    const entries = readdirSync(dir.completing);
    if (entries.length === 0) return;
    let log: Buffer | undefined;
    for (const entry of entries) {
      const path = join(dir.completing, entry);
      const bang = entry.lastIndexOf('!');
      const owner = Number.parseInt(entry.slice(bang + 1).split('-')[0]!, 36);
      if (bang < 0 || splitLeased(entry.slice(0, bang)) === undefined || Number.isNaN(owner)) {
        moveGarbage(dir, dir.completing, entry, 'completing');
        continue;
      }
      try {
        if (ownerAlive(owner) && now - lstatSync(path).ctimeMs < ORPHAN_MS) continue;
      } catch {
        continue;
      }
      const leased = entry.slice(0, bang);
      const mine = join(dir.completing, `${leased}!${PID}-${(recoverySeq++).toString(36)}`);
      try {
        renameSync(path, mine);
      } catch (err) {
        if (gone(err)) continue;
        throw err;
      }
      const record = completionRecord(leased);
      log ??= readFileSync(join(dir.root, 'completed.log'));
      if (!hasRecord(log, record)) writeSync(dir.completedFdNumber, record);
      this.finishCompleted(dir, mine, leased, true);
    }
  }

  async retry(queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean> {
    const { dir } = this.q(queue);
    const current = this.release(dir, job);
    const parsed = current === undefined ? undefined : parseName(splitLeased(current)!.name);
    if (current === undefined || parsed === undefined) return false;
    const now = Date.now();
    const due = runAt <= now;
    // A retry due at once waits behind the jobs already ready (its order time is now), like a promoted one.
    const name = formatName({ ...parsed, attemptsMade: error.attempt, ...(due ? { time: now } : {}) });
    // The claimed job's meta (instrumentation may have added to it) goes beside the immutable record
    // before the job leaves leased/, so the next claim sees it. Without meta, a stale file is removed.
    // Best effort: when it cannot be written (a full disk), the retry still happens with the pushed meta.
    const metaPath = retryMetaPath(dir.errors, parsed.key);
    if (job.meta === undefined) unlinkQuiet(metaPath);
    else {
      try {
        writeAtomic(dir.tmp, metaPath, JSON.stringify(job.meta));
      } catch {
        unlinkQuiet(metaPath);
      }
    }
    try {
      renameSync(join(dir.leased, current), due ? join(dir.ready, name) : join(dir.delayed, timePrefixed(runAt, name)));
    } catch (err) {
      if (gone(err)) return false;
      throw err;
    }
    appendRegular(join(dir.errors, `${parsed.key}.jsonl`), `${JSON.stringify(error)}\n`);
    if (due) dir.candidates.add(name);
    else dir.delayedDirty = true;
    dir.waiters.notify();
    return true;
  }

  async fail(queue: string, job: ClaimedJob, reason: FailReason, error: JobError): Promise<boolean> {
    const { dir, failed } = this.q(queue);
    const current = this.release(dir, job);
    if (current === undefined) return false;
    const ok = failed.moveFromLeased(current, job.id, reason, error);
    if (ok && job.dedupe) dropMarker(dir, parseName(splitLeased(current)!.name)?.key ?? job.id);
    return ok;
  }

  async recover(queue: string, maxStalls: number): Promise<RecoverResult> {
    const { dir, failed } = this.q(queue);
    const now = Date.now();
    const result: RecoverResult = { stalled: [], failed: [] };
    this.reapCompleting(dir, now);
    for (const leased of readdirSync(dir.leased)) {
      const split = splitLeased(leased);
      if (split !== undefined && split.expiry > now) continue;
      const parsed = split === undefined ? undefined : parseName(split.name);
      if (parsed === undefined) {
        // Not a lease of ours (no expiry), or an expired lease of a file that is not a job: garbage.
        moveGarbage(dir, dir.leased, leased, 'leased');
        continue;
      }
      const stalls = parsed.stalls + 1;
      if (stalls > maxStalls) {
        const error: JobError = {
          attempt: parsed.attemptsMade + 1, name: 'QueueError', code: 'ODY_QUEUE_JOB_STALLED', at: now,
          message: `Job ${parsed.key} lost its lease ${stalls} times (maxStalls ${maxStalls}); its workers kept dying or freezing.`,
        };
        const id = failed.moveStalled(leased, { ...parsed, stalls }, error);
        if (id !== undefined) {
          dropMarker(dir, parsed.key);
          result.failed.push(id);
        }
        continue;
      }
      const name = formatName({ ...parsed, stalls });
      try {
        renameSync(join(dir.leased, leased), join(dir.ready, name));
      } catch (err) {
        if (gone(err)) continue;
        throw err;
      }
      dir.candidates.add(name);
      result.stalled.push(failed.idOf(join(dir.ready, name), name) ?? parsed.key);
    }
    if (result.stalled.length > 0) dir.waiters.notify();
    return result;
  }

  async pause(queue: string): Promise<void> {
    const { dir } = this.q(queue);
    writeFileSync(dir.pausedFile, String(Date.now()));
    dir.setPaused(true);
  }

  async resume(queue: string): Promise<void> {
    const { dir } = this.q(queue);
    unlinkQuiet(dir.pausedFile);
    dir.setPaused(false);
    dir.waiters.notify();
  }

  async isPaused(queue: string): Promise<boolean> {
    return this.q(queue).dir.paused;
  }

  async counts(queue: string): Promise<JobCounts> {
    const { dir } = this.q(queue);
    const n = (d: string) => readdirSync(d).length;
    return { waiting: n(dir.ready), delayed: n(dir.delayed), active: n(dir.leased), completed: dir.completed, failed: n(dir.failed) };
  }

  /**
   * When the oldest waiting job became due: the earliest order time in ready/ (push time; promotion
   * time for a delayed job, which is its due time once a claim promoted it; retry time for a retry),
   * or the due time of a delayed job that is due but not promoted yet. One listing of ready/ and delayed/.
   */
  async oldestWaitingAt(queue: string): Promise<number | undefined> {
    const { dir } = this.q(queue);
    const now = Date.now();
    let oldest: number | undefined;
    for (const name of readdirSync(dir.ready)) {
      const time = orderTime(name);
      if (time !== undefined && (oldest === undefined || time < oldest)) oldest = time;
    }
    // delayed/ sorts by due time: the first entry is the only one that can be both due and oldest.
    dir.refreshDelayed();
    const first = dir.delayedNames[0];
    const due = first === undefined ? undefined : splitTimePrefixed(first)?.time;
    if (due !== undefined && due <= now && (oldest === undefined || due < oldest)) oldest = due;
    return oldest;
  }

  async listFailed(queue: string, o: ListOptions = {}): Promise<FailedJobRecord[]> {
    return this.q(queue).failed.list(o.offset ?? 0, o.limit ?? 100);
  }

  async getFailed(queue: string, id: string): Promise<FailedJobRecord | undefined> {
    return this.q(queue).failed.get(id);
  }

  async retryFailed(queue: string, ids?: readonly string[]): Promise<number> {
    return this.q(queue).failed.retry(ids);
  }

  async purgeFailed(queue: string, ids?: readonly string[]): Promise<number> {
    return this.q(queue).failed.purge(ids);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { dir, commit } of this.dirs.values()) {
      commit.close();
      dir.close();
    }
    this.dirs.clear();
  }

  private release(dir: QueueDir, job: ClaimedJob): string | undefined {
    const current = dir.leases.get(job.lease);
    dir.leases.delete(job.lease);
    return current;
  }
}

/**
 * Every rejection of a driver call is an OdyError: a raw filesystem error (EACCES, ENOTDIR, EIO, a
 * directory replaced by a file…) becomes ODY_QUEUE_IO naming the queue root and the call; typed errors
 * pass through unchanged.
 */
const GUARDED = ['claim', 'extend', 'complete', 'retry', 'fail', 'recover', 'pause', 'resume', 'isPaused', 'counts', 'oldestWaitingAt', 'listFailed', 'getFailed', 'retryFailed', 'purgeFailed'] as const;
for (const name of GUARDED) {
  const original = FileSystemDriver.prototype[name] as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(FileSystemDriver.prototype, name, {
    configurable: true,
    writable: true,
    value: async function guarded(this: FileSystemDriver, ...args: unknown[]): Promise<unknown> {
      try {
        return await original.apply(this, args);
      } catch (err) {
        if (OdyError.is(err)) throw err;
        throw new QueueError('ODY_QUEUE_IO', `Filesystem queue ${this.root}: ${name} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err, details: { call: name, errno: (err as NodeJS.ErrnoException)?.code } });
      }
    },
  });
}

/** A refused ack: ODY_QUEUE_DISK_FULL on ENOSPC/EDQUOT, else ODY_QUEUE_IO. The job stays leased and is redelivered. */
function ackError(root: string, id: string, err: unknown): QueueError {
  const code = (err as NodeJS.ErrnoException).code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new QueueError(full ? 'ODY_QUEUE_DISK_FULL' : 'ODY_QUEUE_IO', `Could not acknowledge job ${id} in ${root}: ${(err as Error).message}. It stays leased and is redelivered when its lease expires.`, { cause: err });
}

/** Whether `log` holds `record` at a record boundary. */
function hasRecord(log: Buffer, record: Buffer): boolean {
  for (let i = log.indexOf(record); i >= 0; i = log.indexOf(record, i + 1)) {
    if (i % COMPLETION_RECORD_BYTES === 0) return true;
  }
  return false;
}

/** The order time of a ready/ name (see names.ts), without parsing the rest; undefined when it is not ours. */
function orderTime(name: string): number | undefined {
  if (name.length < 24 || name[23] !== '.') return undefined;
  const time = Number.parseInt(name.slice(7, 16), 36);
  return Number.isNaN(time) ? undefined : time;
}

let tmpSeq = 0;

/** Write a small side file whole or not at all: a tmp file of this process renamed over `path` (a FIFO there is replaced, never opened). */
function writeAtomic(tmpDir: string, path: string, text: string): void {
  const tmp = join(tmpDir, `${process.pid}-m${(tmpSeq++).toString(36)}-${Date.now().toString(36)}`);
  writeFileSync(tmp, text, { flag: 'wx', mode: 0o644 });
  try {
    renameSync(tmp, path);
  } catch (err) {
    unlinkQuiet(tmp);
    throw err;
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Create a filesystem queue driver rooted at `options.dir`. */
export function filesystemDriver(options: FileSystemDriverOptions): FileSystemDriver {
  return new FileSystemDriver(options);
}
