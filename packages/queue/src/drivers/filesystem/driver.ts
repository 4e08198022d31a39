import { existsSync, readdirSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { ClaimOptions, ListOptions, QueueDriver, RecoverResult } from '../../contract/driver.js';
import type { ClaimedJob, FailedJobRecord, FailReason, JobCounts, JobError, NewJob, PushResult } from '../../contract/job.js';
import { QueueError } from '../../errors.js';
import { gone, promoteDelayed, takeReady } from './claim.js';
import { GroupCommit } from './commit.js';
import { dropMarker } from './dedupe.js';
import { FailedFiles } from './failed-files.js';
import { moveGarbage } from './garbage.js';
import { formatName, leasedName, parseName, splitLeased, timePrefixed } from './names.js';
import { QueueDir } from './queue-dir.js';
import { appendRegular } from './safe-io.js';

/** Options of the filesystem driver. */
export interface FileSystemDriverOptions {
  /** Root directory; one subdirectory per queue. */
  dir: string;
  /** fsync data and directories before a push resolves (group commit). Default true. */
  durable?: boolean;
  /** Fallback listing interval for missed fs.watch events, ms. Default 1000. */
  pollMs?: number;
}

const ONE = Buffer.from('1');

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

  push(queue: string, jobs: readonly NewJob[]): Promise<PushResult[]> {
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
    const path = dir.leased + sep + current;
    // A lease lost meanwhile (expired and recovered elsewhere) is refused without counting.
    if (!existsSync(path)) return false;
    // Count first, then remove the job: a crash or a full disk between the two steps leaves the job
    // leased (redelivered after its lease expires, like any unacknowledged job), never a removed job
    // without its count. A failed count throws and the job stays redeliverable.
    try {
      if (writeSync(dir.completedFdNumber, ONE) !== 1) throw Object.assign(new Error('short write to completed.log'), { code: 'ENOSPC' });
    } catch (err) {
      throw ackError(dir.root, job.id, err);
    }
    try {
      unlinkSync(path);
    } catch (err) {
      // Lost the lease between the check and here (recovered elsewhere): it runs and is counted again.
      if (gone(err)) return false;
      throw err;
    }
    const parsed = parseName(splitLeased(current)!.name);
    if (parsed !== undefined) {
      if (job.dedupe) dropMarker(dir, parsed.key);
      if (parsed.attemptsMade > 0) unlinkQuiet(join(dir.errors, `${parsed.key}.jsonl`));
    }
    return true;
  }

  async retry(queue: string, job: ClaimedJob, runAt: number, error: JobError): Promise<boolean> {
    const { dir } = this.q(queue);
    const current = this.release(dir, job);
    const parsed = current === undefined ? undefined : parseName(splitLeased(current)!.name);
    if (current === undefined || parsed === undefined) return false;
    const name = formatName({ ...parsed, attemptsMade: error.attempt });
    const due = runAt <= Date.now();
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

/** A refused ack: ODY_QUEUE_DISK_FULL on ENOSPC/EDQUOT, else ODY_QUEUE_IO. The job stays leased and is redelivered. */
function ackError(root: string, id: string, err: unknown): QueueError {
  const code = (err as NodeJS.ErrnoException).code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new QueueError(full ? 'ODY_QUEUE_DISK_FULL' : 'ODY_QUEUE_IO', `Could not acknowledge job ${id} in ${root}: ${(err as Error).message}. It stays leased and is redelivered when its lease expires.`, { cause: err });
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
