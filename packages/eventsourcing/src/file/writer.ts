import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { GroupCommit, type Pending } from '../store/group-commit.js';
import { fsyncDir } from './fsync-dir.js';
import { HEADER, segmentName } from './segments.js';

interface QueuedRecord {
  /** The record's JSON body; framed (length + crc32) when its batch is written. */
  body: string;
  /** Global position of the record's last event (0: not an append). */
  position: number;
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
  /** Split writes into syscalls of at most this many bytes (default: one write per batch). */
  maxWriteBytes?: number;
  /**
   * Called once per batch, after its bytes are durable and before any of its promises resolve, with the
   * highest `position` in it (records are written in call order, so everything up to it is durable).
   */
  onDurable?: (position: number) => void;
}

/** Batches above this many bytes get a buffer of their own instead of growing the reused one. */
const SCRATCH_MAX = 1024 * 1024;

/**
 * Appends framed records to the current segment. Group commit (GroupCommit, one batch in flight): a
 * batch is one write + one fdatasync; records queued while one is in flight, and those queued by the
 * appends its completion wakes (the next batch starts on the next tick), go out together as the next
 * batch, so N concurrent appends cost about one fsync. A record's promise resolves only after its bytes
 * are durable.
 */
export class SegmentWriter {
  private fh?: FileHandle;
  private readonly group: GroupCommit<QueuedRecord, void>;
  private failure: unknown;
  private segment: number;
  private size: number;
  /** Reused for every batch (a batch's bytes are written before the next batch is framed). */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(private readonly options: SegmentWriterOptions) {
    this.segment = options.segment;
    this.size = options.size;
    this.group = new GroupCommit({ write: (batch) => this.flush(batch), maxBatch: options.groupCommit ? undefined : 1 });
  }

  async open(): Promise<void> {
    if (this.segment === 0) {
      this.segment = 1;
      this.size = 0;
    }
    this.fh = await open(join(this.options.dir, segmentName(this.segment)), 'a');
    if (this.options.fsync) await fsyncDir(this.options.dir);
  }

  /** Queue a record (its JSON body); resolves when it is durable, rejects if writing failed. */
  write(body: string, position = 0): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return this.group.submit({ body, position });
  }

  /** The first I/O error, once one happened. */
  get failed(): unknown {
    return this.failure;
  }

  /** Write + fdatasync one batch; on failure, fail it and everything queued, and refuse further writes. */
  private async flush(batch: Pending<QueuedRecord, void>[]): Promise<void> {
    let position = 0;
    try {
      const [buf, length] = this.frame(batch);
      await this.writeAll(buf, length);
      if (this.options.fsync) await this.fh!.datasync();
      this.size += length;
      for (const p of batch) if (p.item.position > position) position = p.item.position;
      if (this.size >= this.options.segmentBytes) await this.roll();
    } catch (err) {
      this.failure = err;
      // Cut what part of the batch reached the file (a full disk writes some bytes before ENOSPC), so
      // nothing of a rejected append shows up after a reopen; recovery would cut a torn tail anyway.
      await this.fh!.truncate(this.size).catch(() => undefined);
      for (const p of batch) p.reject(err);
      this.group.rejectQueued(err);
      return;
    }
    if (position > 0) this.options.onDurable?.(position);
    for (const p of batch) p.resolve();
  }

  /** Frame a batch into one buffer: per record [u32 length][u32 crc32][UTF-8 JSON]. */
  private frame(batch: readonly Pending<QueuedRecord, void>[]): [Buffer, number] {
    let bound = 0;
    for (const p of batch) bound += HEADER + 3 * p.item.body.length; // UTF-8 is at most 3 bytes per UTF-16 unit
    let buf = this.scratch;
    if (bound > buf.length) {
      buf = Buffer.allocUnsafe(bound);
      if (bound <= SCRATCH_MAX) this.scratch = buf;
    }
    let off = 0;
    for (const p of batch) {
      const n = buf.write(p.item.body, off + HEADER, 'utf8');
      buf.writeUInt32LE(n, off);
      buf.writeUInt32LE(crc32(buf.subarray(off + HEADER, off + HEADER + n)), off + 4);
      off += HEADER + n;
    }
    return [buf, off];
  }

  /**
   * Write every byte: a write may be short (a disk filling up writes what fits), so the rest is written
   * again until done; the call that finds no room throws ENOSPC.
   */
  private async writeAll(buf: Buffer, length: number): Promise<void> {
    const chunk = this.options.maxWriteBytes ?? length;
    let off = 0;
    while (off < length) {
      const { bytesWritten } = await this.fh!.write(buf, off, Math.min(chunk, length - off));
      if (bytesWritten === 0) throw Object.assign(new Error(`wrote 0 of ${length - off} bytes (disk full?)`), { code: 'ENOSPC' });
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
    await this.group.idle();
    await this.fh?.close();
    this.fh = undefined;
  }
}
