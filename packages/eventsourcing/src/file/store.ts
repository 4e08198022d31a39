import { mkdirSync } from 'node:fs';
import { EventSourcingError, VersionConflictError } from '../errors.js';
import { LogState } from '../memory/state.js';
import { type InlineProjection, runInline } from '../projections/inline.js';
import { Listeners, Serial } from '../store/listeners.js';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadOptions, RecordedEvent, Snapshot, StreamInfo } from '../store/types.js';
import { assertExpected, checkEvents, checkExpected, checkRead, checkStream } from '../store/validate.js';
import { acquireLock } from './lock.js';
import { type LogRecord, recoverSegments } from './segments.js';
import { SegmentWriter } from './writer.js';

/** Options of the file store. */
export interface FileEventStoreOptions {
  /** Directory of the segments (created if missing); one process writes it at a time. */
  dir: string;
  /** Start a new segment past this size (default 64 MiB). */
  segmentBytes?: number;
  /** Batch concurrent appends into one write + fdatasync (default true). false: one fsync per append. */
  groupCommit?: boolean;
  /** fdatasync before acknowledging (default true). false gives up durability for speed (tests). */
  fsync?: boolean;
  /** Split each write into syscalls of at most this many bytes (default: one writev per group). */
  maxWriteBytes?: number;
  /** Run inside each append, before it is written. */
  projections?: readonly InlineProjection<undefined>[];
}

/**
 * The embedded, durable event store: append-only segment files with group commit and fdatasync.
 * An append resolves only once it is on disk; a crash mid-write leaves a torn tail that the next
 * open truncates, so no torn or partial append is ever readable. Events are indexed in memory.
 * @example
 * const store = await fileEventStore({ dir: './var/events' });
 */
export class FileEventStore implements EventStore {
  readonly name = 'file';
  private readonly state = new LogState();
  private readonly listeners = new Listeners();
  private readonly serial = new Serial();
  private writer!: SegmentWriter;
  private release?: () => void;
  private closed = false;
  /** Bytes of torn tail the last open cut off (0 after a clean shutdown). */
  recoveredTornBytes = 0;

  private constructor(private readonly options: FileEventStoreOptions) {}

  /** Open (and recover) a file store. */
  static async open(options: FileEventStoreOptions): Promise<FileEventStore> {
    const store = new FileEventStore(options);
    await store.init();
    return store;
  }

  private async init(): Promise<void> {
    const { dir } = this.options;
    mkdirSync(dir, { recursive: true });
    this.release = acquireLock(dir);
    try {
      const recovered = recoverSegments(dir);
      this.recoveredTornBytes = recovered.truncatedBytes;
      for (const r of recovered.records) this.replay(r);
      this.state.publish(this.state.lastAssigned);
      this.writer = new SegmentWriter({
        dir,
        segment: recovered.last,
        size: recovered.size,
        segmentBytes: this.options.segmentBytes ?? 64 * 1024 * 1024,
        groupCommit: this.options.groupCommit ?? true,
        fsync: this.options.fsync ?? true,
        maxWriteBytes: this.options.maxWriteBytes,
        // Once per group commit: everything up to the batch's last position is durable, so readable.
        onDurable: (position) => {
          this.state.publish(position);
          this.listeners.fire();
        },
      });
      await this.writer.open();
    } catch (err) {
      this.release();
      throw err;
    }
  }

  private replay(r: LogRecord): void {
    if (r.k === 'a') this.state.stage(r.e);
    else if (r.k === 'd') this.state.stageDelete(r.s, r.v);
    else this.state.saveSnapshot(r.snap);
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.writable();
    checkStream(stream);
    checkEvents(stream, events);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    const projections = this.options.projections ?? [];
    let recorded: RecordedEvent[];
    let durable: Promise<void>;
    if (projections.length === 0) {
      try {
        recorded = this.state.prepare(stream, events, expected);
      } catch (error) {
        throw await this.settleConflict(stream, error);
      }
      durable = this.stageAndWrite(recorded);
    } else {
      // Serialised so no other append takes these positions while the projections run.
      [recorded, durable] = await this.serial.run(async () => {
        let r: RecordedEvent[];
        try {
          r = this.state.prepare(stream, events, expected);
        } catch (error) {
          throw await this.settleConflict(stream, error);
        }
        await runInline(projections, r, undefined);
        return [r, this.stageAndWrite(r)] as const;
      });
    }
    try {
      await durable;
    } catch (err) {
      throw this.failedError(err);
    }
    const last = recorded.at(-1)?.globalPosition ?? this.state.visible;
    return { nextExpectedVersion: recorded.at(-1)?.streamPosition ?? this.state.writeInfo(stream).version, events: recorded, lastPosition: last };
  }

  /**
   * A conflict against events still in the group commit: wait until they are durable (readable)
   * before reporting it, so the caller's reload sees the version it conflicted with instead of
   * spinning on a version it cannot read yet.
   */
  private async settleConflict(stream: string, error: unknown): Promise<unknown> {
    if (VersionConflictError.isConflict(error) && this.state.writeInfo(stream).version !== this.state.info(stream).version) {
      await this.lastWrite.catch(() => undefined);
    }
    return error;
  }

  private lastWrite: Promise<void> = Promise.resolve();

  private stageAndWrite(recorded: RecordedEvent[]): Promise<void> {
    if (recorded.length === 0) return Promise.resolve();
    const body = JSON.stringify({ k: 'a', e: recorded } satisfies LogRecord);
    this.state.stage(recorded);
    // Published by the writer's onDurable before this resolves.
    this.lastWrite = this.writer.write(body, recorded.at(-1)!.globalPosition);
    return this.lastWrite;
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    this.readable();
    checkStream(stream);
    checkRead(options);
    return this.state.read(stream, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.readable();
    checkRead(options);
    return this.state.readAll(options);
  }

  async streamVersion(stream: string): Promise<number> {
    return (await this.streamInfo(stream)).version;
  }

  async streamInfo(stream: string): Promise<StreamInfo> {
    this.readable();
    checkStream(stream);
    return this.state.info(stream);
  }

  async deleteStream(stream: string, options: AppendOptions = {}): Promise<void> {
    this.writable();
    checkStream(stream);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    const info = this.state.writeInfo(stream);
    assertExpected(stream, expected, info);
    this.state.stageDelete(stream, info.version);
    await this.writer.write(JSON.stringify({ k: 'd', s: stream, v: info.version } satisfies LogRecord)).catch((err) => {
      throw this.failedError(err);
    });
  }

  async headPosition(): Promise<number> {
    this.readable();
    return this.state.visible;
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.writable();
    await this.writer.write(JSON.stringify({ k: 's', snap: snapshot } satisfies LogRecord)).catch((err) => {
      throw this.failedError(err);
    });
    this.state.saveSnapshot(structuredClone(snapshot));
  }

  async loadSnapshot(stream: string): Promise<Snapshot | undefined> {
    this.readable();
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
    await this.writer.close();
    this.release?.();
  }

  private readable(): void {
    if (this.closed) throw new EventSourcingError('ODY_EVENTSOURCING_STORE_CLOSED', `The file event store at ${this.options.dir} is closed.`);
  }

  private writable(): void {
    this.readable();
    if (this.writer.failed !== undefined) throw this.failedError(this.writer.failed);
  }

  private failedError(cause: unknown): EventSourcingError {
    return new EventSourcingError(
      'ODY_EVENTSOURCING_STORE_FAILED',
      `The file event store at ${this.options.dir} could not write (${(cause as Error)?.message ?? String(cause)}); it refuses writes until reopened, which recovers every acknowledged append.`,
      { cause, details: { dir: this.options.dir } },
    );
  }
}

/** Open a durable file event store (creates the directory, recovers a torn tail). */
export function fileEventStore(options: FileEventStoreOptions): Promise<FileEventStore> {
  return FileEventStore.open(options);
}
