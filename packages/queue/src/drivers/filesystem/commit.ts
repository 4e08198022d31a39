import { closeSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { NewJob, PushResult } from '../../contract/job.js';
import { QueueError } from '../../errors.js';
import { dropMarker, takeMarker } from './dedupe.js';
import { fsyncDir, fsyncFd } from './fsync.js';
import { formatName, keyOf, timePrefixed } from './names.js';
import type { QueueDir } from './queue-dir.js';
import { encodeRecord } from './record.js';

interface Pending {
  jobs: readonly NewJob[];
  resolve: (r: PushResult[]) => void;
  reject: (e: unknown) => void;
}

/** Most links one inode may have on ext4 is 65000; stay far below. */
const MAX_BATCH = 8_192;
let fileSeq = 0;

/**
 * Group commit: pushes that arrive while a batch is being written join the next batch. A batch is one
 * file in tmp/ holding every record, fsynced once, then hard-linked into ready/ (or delayed/) under one
 * name per job, then the directory is fsynced once. A crash before the links leaves only a tmp file
 * (cleaned at start); a link always points to fully written data, so no half-written job is ever visible.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private flushing = false;
  private seq = 0;

  constructor(private readonly dir: QueueDir, private readonly durable: boolean) {}

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
        const error = new QueueError('ODY_QUEUE_IO', `Could not write jobs to ${this.dir.root}: ${(err as Error).message}`, { cause: err });
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = false;
  }

  private async write(jobs: NewJob[]): Promise<PushResult[]> {
    const results: PushResult[] = new Array(jobs.length);
    const accepted: { job: NewJob; key: string; index: number; offset: number; length: number }[] = [];
    const buffers: Buffer[] = [];
    let offset = 0;
    const markers: string[] = [];
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
      const tmp = `${this.dir.tmp}${sep}${process.pid}-${(fileSeq++).toString(36)}-${Date.now().toString(36)}`;
      const fd = openSync(tmp, 'wx');
      try {
        writeSync(fd, buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, offset));
        if (this.durable) await fsyncFd(fd);
      } finally {
        closeSync(fd);
      }
      const now = Date.now();
      const readyPrefix = this.dir.ready + sep;
      let anyReady = false;
      let anyDelayed = false;
      for (const a of accepted) {
        const name = formatName({
          priority: a.job.priority, time: now, seq: this.seq++, key: a.key,
          offset: a.offset, length: a.length, attemptsMade: 0, stalls: 0,
        });
        if (a.job.runAt > now) {
          linkSync(tmp, join(this.dir.delayed, timePrefixed(a.job.runAt, name)));
          anyDelayed = true;
        } else {
          linkSync(tmp, readyPrefix + name);
          // Known at once: the data is durable and other processes can already see the name, and
          // the fs.watch event for it then needs no existence check.
          this.dir.candidates.add(name);
          anyReady = true;
        }
        results[a.index] = { id: a.job.id, added: true };
      }
      if (this.durable) {
        const dirs = [anyReady ? this.dir.ready : undefined, anyDelayed ? this.dir.delayed : undefined];
        await Promise.all(dirs.filter((d): d is string => d !== undefined).map(fsyncDir));
      }
      unlinkSync(tmp);
      if (anyDelayed) this.dir.delayedDirty = true;
      this.dir.waiters.notify();
      return results;
    } catch (err) {
      for (const key of markers) dropMarker(this.dir, key);
      throw err;
    }
  }
}
