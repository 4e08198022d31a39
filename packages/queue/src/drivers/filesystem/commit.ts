import { closeSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { NewJob, PushResult } from '../../contract/job.js';
import { QueueError } from '../../errors.js';
import { dropMarker, takeMarker } from './dedupe.js';
import { formatName, keyOf, timePrefixed } from './names.js';
import type { QueueDir } from './queue-dir.js';
import { encodeRecord } from './record.js';
import { SyncWriter } from './sync-writer.js';

interface Pending {
  jobs: readonly NewJob[];
  resolve: (r: PushResult[]) => void;
  reject: (e: unknown) => void;
}

/** write(2) until every byte is on the file: a short write (disk filling up) is continued, never ignored. */
function writeFully(fd: number, buf: Buffer): void {
  let done = 0;
  while (done < buf.length) {
    const n = writeSync(fd, buf, done, buf.length - done);
    if (n <= 0) throw Object.assign(new Error(`short write: ${done} of ${buf.length} bytes`), { code: 'ENOSPC' });
    done += n;
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone (or claimed by a consumer in that instant)
  }
}

/** The typed error of a failed batch: ODY_QUEUE_DISK_FULL for ENOSPC/EDQUOT, else ODY_QUEUE_IO. */
function writeError(root: string, err: unknown): QueueError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new QueueError('ODY_QUEUE_DISK_FULL', `The disk of ${root} is full (${code}); the push was rejected and none of its jobs is visible. Free space and push again.`, { cause: err });
  }
  return new QueueError('ODY_QUEUE_IO', `Could not write jobs to ${root}: ${(err as Error).message}`, { cause: err });
}

/** Most links one inode may have on ext4 is 65000; stay far below. */
const MAX_BATCH = 8_192;
let fileSeq = 0;

/**
 * Group commit: pushes that arrive while a batch is being written join the next batch. A batch is one
 * file in tmp/ holding every record, fsynced once, then hard-linked into ready/ (or delayed/) under one
 * name per job (a batch of one job is renamed instead), then the directory is fsynced once. A crash
 * before the links leaves only a tmp file (cleaned at start); a link always points to fully written
 * data, so no half-written job is ever visible. Durable batches are written by a writer thread
 * (sync-writer.ts): one round trip per batch instead of one per fsync.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private flushing = false;
  private closed = false;
  private seq = 0;
  /** The writer thread of durable batches; it keeps ready/ and delayed/ open while the driver is. */
  private readonly writer: SyncWriter | undefined;

  constructor(private readonly dir: QueueDir, durable: boolean) {
    this.writer = durable ? new SyncWriter() : undefined;
  }

  /** Release the directory descriptors (now, or when the batch being written is done). */
  close(): void {
    this.closed = true;
    if (!this.flushing) this.writer?.close();
  }

  push(jobs: readonly NewJob[]): Promise<PushResult[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ jobs, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch: Pending[] = [];
      let count = 0;
      while (this.pending.length > 0 && (count === 0 || count + this.pending[0]!.jobs.length <= MAX_BATCH)) {
        const p = this.pending.shift()!;
        batch.push(p);
        count += p.jobs.length;
      }
      try {
        const results = await this.write(batch.flatMap((p) => p.jobs));
        let i = 0;
        for (const p of batch) {
          p.resolve(results.slice(i, i + p.jobs.length));
          i += p.jobs.length;
        }
      } catch (err) {
        const error = writeError(this.dir.root, err);
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = false;
    if (this.closed) this.writer?.close();
  }

  private async write(jobs: NewJob[]): Promise<PushResult[]> {
    const results: PushResult[] = new Array(jobs.length);
    const accepted: { job: NewJob; key: string; index: number; offset: number; length: number }[] = [];
    const buffers: Buffer[] = [];
    let offset = 0;
    const markers: string[] = [];
    const linked: string[] = [];
    let tmp: string | undefined;
    try {
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[i]!;
        const key = keyOf(job.id);
        if (job.dedupe) {
          if (!takeMarker(this.dir, key)) {
            results[i] = { id: job.id, added: false };
            continue;
          }
          markers.push(key);
        }
        const buf = encodeRecord(job);
        buffers.push(buf);
        accepted.push({ job, key, index: i, offset, length: buf.length });
        offset += buf.length;
      }
      if (accepted.length === 0) return results;
      tmp = `${this.dir.tmp}${sep}${process.pid}-${(fileSeq++).toString(36)}-${Date.now().toString(36)}`;
      const data = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, offset);
      const now = Date.now();
      const readyPrefix = this.dir.ready + sep;
      const readyNames: string[] = [];
      const paths: string[] = [];
      let anyDelayed = false;
      for (const a of accepted) {
        const name = formatName({
          priority: a.job.priority, time: now, seq: this.seq++, key: a.key,
          offset: a.offset, length: a.length, attemptsMade: 0, stalls: 0,
        });
        if (a.job.runAt > now) {
          paths.push(join(this.dir.delayed, timePrefixed(a.job.runAt, name)));
          anyDelayed = true;
        } else {
          paths.push(readyPrefix + name);
          readyNames.push(name);
        }
        results[a.index] = { id: a.job.id, added: true };
      }
      if (this.writer !== undefined) {
        // Data written and fdatasynced, names made, directories fsynced, all on the writer thread,
        // which also takes every name back if any step fails.
        const dirs = [readyNames.length > 0 ? this.dir.ready : undefined, anyDelayed ? this.dir.delayed : undefined].filter((d): d is string => d !== undefined);
        await this.writer.write({ tmp, data, paths, rename: paths.length === 1, dirs });
      } else {
        const fd = openSync(tmp, 'wx');
        try {
          writeFully(fd, data);
        } finally {
          closeSync(fd);
        }
        // Every byte is written: only now do names appear in ready/ or delayed/.
        for (const path of paths) {
          linkSync(tmp, path);
          linked.push(path);
        }
        unlinkQuiet(tmp);
      }
      // Known at once: the data is durable and other processes can already see the names, and the
      // fs.watch events for them then need no existence check.
      for (const name of readyNames) this.dir.candidates.add(name);
      if (anyDelayed) this.dir.delayedDirty = true;
      this.dir.waiters.notify();
      return results;
    } catch (err) {
      // The batch is rejected as a whole: take back every name it showed and its batch file.
      for (const path of linked) unlinkQuiet(path);
      if (tmp !== undefined) unlinkQuiet(tmp);
      for (const key of markers) dropMarker(this.dir, key);
      throw err;
    }
  }
}
