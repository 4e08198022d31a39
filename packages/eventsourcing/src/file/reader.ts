import { closeSync, existsSync, type FSWatcher, fstatSync, mkdirSync, openSync, readSync, watch } from 'node:fs';
import { join } from 'node:path';
import { EventSourcingError } from '../errors.js';
import { LogState } from '../memory/state.js';
import { Listeners } from '../store/listeners.js';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadOptions, RecordedEvent, Snapshot, StreamInfo } from '../store/types.js';
import { checkRead, checkStream } from '../store/validate.js';
import { decodeRecords, type LogRecord, listSegments, segmentName } from './segments.js';

/** Options of a file store reader. */
export interface FileEventStoreReaderOptions {
  /** Directory of the file store another process writes (created if missing). */
  dir: string;
  /** Wake `onAppended` listeners when the writer appends, through `fs.watch` on the directory (default true). */
  watch?: boolean;
}

/**
 * A read-only view of a file store that another process writes: it takes no lock, reads whole,
 * checksummed records only (a record the writer is still writing, or a torn tail it will truncate,
 * is never shown), follows new records and segments, and — with `watch` — wakes async projections and
 * subscriptions in this process as soon as the writer appends (`fs.watch`), instead of at their next
 * poll. Writes throw ODY_EVENTSOURCING_READ_ONLY.
 * It sees an append once the writer has written it, which may be just before the writer's fdatasync:
 * after a machine crash (not a process crash) the writer could recover without it.
 * @example
 * const store = await fileEventStoreReader({ dir: './var/events' });   // in a second process
 * new ProjectionRunner(view, { store, checkpoints }).start();
 */
export class FileEventStoreReader implements EventStore {
  readonly name = 'file';
  private readonly state = new LogState();
  private readonly listeners = new Listeners();
  private segment = 0;
  private offset = 0;
  private watcher?: FSWatcher;
  private closed = false;

  constructor(private readonly options: FileEventStoreReaderOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.refresh();
    if (options.watch ?? true) {
      // inotify (Linux), FSEvents, ReadDirectoryChangesW: a write to any segment, or a new segment.
      this.watcher = watch(options.dir, { persistent: false }, () => {
        if (this.refresh()) this.listeners.fire();
      });
      this.watcher.on('error', () => undefined); // the projections' poll still finds new events
    }
  }

  /** Read what the writer added since the last refresh; true when new events became readable. */
  private refresh(): boolean {
    if (this.closed) return false;
    const before = this.state.visible;
    const segments = listSegments(this.options.dir);
    if (this.segment === 0 && segments.length > 0) this.segment = segments[0]!;
    for (;;) {
      this.readTail();
      // The writer rolls to the next segment only after this one is complete: move on when one exists.
      const next = segments.find((n) => n > this.segment);
      if (next === undefined) break;
      this.segment = next;
      this.offset = 0;
    }
    this.state.publish(this.state.lastAssigned);
    return this.state.visible > before;
  }

  private readTail(): void {
    if (this.segment === 0) return;
    const file = join(this.options.dir, segmentName(this.segment));
    if (!existsSync(file)) return;
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.allocUnsafe(size - this.offset);
      let read = 0;
      while (read < buf.length) {
        const n = readSync(fd, buf, read, buf.length - read, this.offset + read);
        if (n === 0) break;
        read += n;
      }
      const decoded = decodeRecords(buf.subarray(0, read));
      for (const r of decoded.records) this.apply(r);
      this.offset += decoded.validBytes;
    } finally {
      closeSync(fd);
    }
  }

  private apply(r: LogRecord): void {
    if (r.k === 'a') this.state.stage(r.e);
    else if (r.k === 'd') this.state.stageDelete(r.s, r.v);
    else this.state.saveSnapshot(r.snap);
  }

  private fresh(): void {
    if (this.closed) throw new EventSourcingError('ODY_EVENTSOURCING_STORE_CLOSED', `The file event store reader at ${this.options.dir} is closed.`);
    if (this.refresh()) this.listeners.fire();
  }

  private readOnly(what: string): Promise<never> {
    return Promise.reject(
      new EventSourcingError('ODY_EVENTSOURCING_READ_ONLY', `${what} on a read-only file store reader (${this.options.dir}); write through the process that owns the directory.`, {
        details: { dir: this.options.dir },
      }),
    );
  }

  append(_stream: string, _events: readonly NewEvent[], _options?: AppendOptions): Promise<AppendResult> {
    return this.readOnly('append');
  }

  deleteStream(_stream: string, _options?: AppendOptions): Promise<void> {
    return this.readOnly('deleteStream');
  }

  saveSnapshot(_snapshot: Snapshot): Promise<void> {
    return this.readOnly('saveSnapshot');
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    checkStream(stream);
    checkRead(options);
    this.fresh();
    return this.state.read(stream, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    checkRead(options);
    this.fresh();
    return this.state.readAll(options);
  }

  async streamVersion(stream: string): Promise<number> {
    return (await this.streamInfo(stream)).version;
  }

  async streamInfo(stream: string): Promise<StreamInfo> {
    checkStream(stream);
    this.fresh();
    return this.state.info(stream);
  }

  async headPosition(): Promise<number> {
    this.fresh();
    return this.state.visible;
  }

  async loadSnapshot(stream: string): Promise<Snapshot | undefined> {
    this.fresh();
    const s = this.state.loadSnapshot(stream);
    return s === undefined ? undefined : structuredClone(s);
  }

  onAppended(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.watcher?.close();
  }
}

/** Open a read-only view of a file store written by another process (no lock; follows its appends). */
export async function fileEventStoreReader(options: FileEventStoreReaderOptions): Promise<FileEventStoreReader> {
  return new FileEventStoreReader(options);
}
