import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './fsync-dir.js';
import { segmentName } from './segments.js';

interface Pending {
  buf: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Options of the segment writer. */
export interface SegmentWriterOptions {
  dir: string;
  segment: number;
  size: number;
  segmentBytes: number;
  /** false: fsync each record on its own (the baseline group commit is measured against). */
  groupCommit: boolean;
  /** false: no fsync at all (tests, throwaway data). */
  fsync: boolean;
  /** Split writes into syscalls of at most this many bytes (default: one writev per batch). */
  maxWriteBytes?: number;
}

/**
 * Appends framed records to the current segment. Group commit: records that arrive while a write +
 * fdatasync is in flight are written together by the next one, so N concurrent appends cost about
 * one fsync. A record's promise resolves only after its bytes are durable.
 */
export class SegmentWriter {
  private fh?: FileHandle;
  private queue: Pending[] = [];
  private flushing = false;
  private failure: unknown;
  private segment: number;
  private size: number;

  constructor(private readonly options: SegmentWriterOptions) {
    this.segment = options.segment;
    this.size = options.size;
  }

  async open(): Promise<void> {
    if (this.segment === 0) {
      this.segment = 1;
      this.size = 0;
    }
    this.fh = await open(join(this.options.dir, segmentName(this.segment)), 'a');
    if (this.options.fsync) await fsyncDir(this.options.dir);
  }

  /** Queue a record; resolves when it is durable, rejects if writing failed. */
  write(buf: Buffer): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** The first I/O error, once one happened. */
  get failed(): unknown {
    return this.failure;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.options.groupCommit ? this.queue.splice(0) : this.queue.splice(0, 1);
        try {
          const bufs = batch.map((p) => p.buf);
          await this.writeAll(bufs);
          if (this.options.fsync) await this.fh!.datasync();
          for (const b of bufs) this.size += b.length;
          if (this.size >= this.options.segmentBytes) await this.roll();
        } catch (err) {
          this.failure = err;
          // Cut what part of the batch reached the file (a full disk writes some bytes before ENOSPC), so
          // nothing of a rejected append shows up after a reopen; recovery would cut a torn tail anyway.
          await this.fh!.truncate(this.size).catch(() => undefined);
          for (const p of [...batch, ...this.queue.splice(0)]) p.reject(err);
          return;
        }
        for (const p of batch) p.resolve();
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Write every byte: a write may be short (a disk filling up writes what fits), so the rest is written
   * again until done; the call that finds no room throws ENOSPC.
   */
  private async writeAll(bufs: Buffer[]): Promise<void> {
    const max = this.options.maxWriteBytes;
    let off = 0;
    let all: Buffer | undefined;
    if (max === undefined) {
      const total = bufs.reduce((n, b) => n + b.length, 0);
      off = (await this.fh!.writev(bufs)).bytesWritten;
      if (off === total) return;
      all = Buffer.concat(bufs);
    }
    all ??= Buffer.concat(bufs);
    const chunk = max ?? all.length;
    while (off < all.length) {
      const { bytesWritten } = await this.fh!.write(all, off, Math.min(chunk, all.length - off));
      if (bytesWritten === 0) throw Object.assign(new Error(`wrote 0 of ${all.length - off} bytes (disk full?)`), { code: 'ENOSPC' });
      off += bytesWritten;
    }
  }

  private async roll(): Promise<void> {
    await this.fh!.close();
    this.segment += 1;
    this.size = 0;
    await this.open();
  }

  /** Wait for queued records, then close the segment. */
  async close(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setImmediate(r));
    await this.fh?.close();
    this.fh = undefined;
  }
}
