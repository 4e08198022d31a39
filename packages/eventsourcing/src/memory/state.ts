import { newId } from '@ody/core';
import type { ExpectedVersion } from '../errors.js';
import { isoNow } from '../store/now.js';
import { assertExpected, matches, metadataOf } from '../store/validate.js';
import type { NewEvent, ReadAllOptions, ReadOptions, RecordedEvent, Snapshot, StreamInfo } from '../store/types.js';

interface StreamState {
  events: RecordedEvent[];
  /** Events at or below this position are hidden by a soft delete. */
  deletedAt: number;
  /** Version including appends not yet visible (the file store's pending group commit). */
  version: number;
  visibleVersion: number;
}

/**
 * The in-memory log both the memory and the file store read from. Writes are staged (`stage`) with
 * their positions assigned at once, and become readable with `publish` — the file store publishes
 * after fsync, so a reader never sees an event that a crash could take back.
 */
export class LogState {
  private readonly streams = new Map<string, StreamState>();
  private readonly log: RecordedEvent[] = [];
  private readonly snapshots = new Map<string, Snapshot>();
  private position = 0;
  /** Global position of the newest readable event. */
  visible = 0;

  private stateOf(stream: string): StreamState {
    let s = this.streams.get(stream);
    if (s === undefined) {
      s = { events: [], deletedAt: 0, version: 0, visibleVersion: 0 };
      this.streams.set(stream, s);
    }
    return s;
  }

  /** Info from the writer's view (pending appends included), for expected-version checks. */
  writeInfo(stream: string): StreamInfo {
    const s = this.streams.get(stream);
    return s === undefined ? { version: 0, deleted: false } : { version: s.version, deleted: s.deletedAt > 0 && s.deletedAt >= s.version };
  }

  /** Info from the readers' view. */
  info(stream: string): StreamInfo {
    const s = this.streams.get(stream);
    return s === undefined ? { version: 0, deleted: false } : { version: s.visibleVersion, deleted: s.deletedAt > 0 && s.deletedAt >= s.visibleVersion };
  }

  /** Check the expected version and build recorded events with the next positions (not yet applied). */
  prepare(stream: string, events: readonly NewEvent[], expected: ExpectedVersion): RecordedEvent[] {
    const s = this.writeInfo(stream);
    assertExpected(stream, expected, s);
    const recordedAt = isoNow();
    return events.map((e, i) => ({
      id: e.id ?? newId(),
      stream,
      type: e.type,
      schemaVersion: e.schemaVersion ?? 1,
      data: e.data,
      metadata: metadataOf(e),
      streamPosition: s.version + i + 1,
      globalPosition: this.position + i + 1,
      recordedAt,
    }));
  }

  /** Apply prepared (or recovered) events to the writer's view. */
  stage(events: readonly RecordedEvent[]): void {
    for (const e of events) {
      const s = this.stateOf(e.stream);
      s.events.push(e);
      s.version = e.streamPosition;
      this.log.push(e);
      this.position = e.globalPosition;
    }
  }

  /** Stage a soft delete at the stream's current writer version. */
  stageDelete(stream: string, at: number): void {
    this.stateOf(stream).deletedAt = at;
  }

  /** Make everything up to `position` readable. */
  publish(position: number): void {
    for (let i = this.log.length - 1; i >= 0; i--) {
      const e = this.log[i]!;
      if (e.globalPosition <= this.visible) break;
      if (e.globalPosition > position) continue;
      const s = this.stateOf(e.stream);
      if (s.visibleVersion < e.streamPosition) s.visibleVersion = e.streamPosition;
    }
    this.visible = Math.max(this.visible, position);
  }

  /** Highest position assigned so far (visible or not). */
  get lastAssigned(): number {
    return this.position;
  }

  read(stream: string, options: ReadOptions): RecordedEvent[] {
    const s = this.streams.get(stream);
    if (s === undefined) return [];
    const top = s.visibleVersion;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: RecordedEvent[] = [];
    if (options.direction === 'backward') {
      const lower = Math.max(options.to ?? 1, s.deletedAt + 1);
      for (let p = Math.min(options.from ?? top, top); p >= lower && out.length < limit; p--) out.push(s.events[p - 1]!);
    } else {
      const upper = Math.min(options.to ?? top, top);
      for (let p = Math.max(options.from ?? 1, s.deletedAt + 1); p <= upper && out.length < limit; p++) out.push(s.events[p - 1]!);
    }
    return out;
  }

  readAll(options: ReadAllOptions): RecordedEvent[] {
    const from = options.fromPosition ?? 1;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const out: RecordedEvent[] = [];
    // Global positions are dense from 1 in this log, so index = position - 1.
    for (let i = Math.max(from, 1) - 1; i < this.log.length && out.length < limit; i++) {
      const e = this.log[i]!;
      if (e.globalPosition > this.visible) break;
      if (matches(options.filter, e)) out.push(e);
    }
    return out;
  }

  saveSnapshot(snapshot: Snapshot): void {
    const old = this.snapshots.get(snapshot.stream);
    if (old === undefined || old.version <= snapshot.version) this.snapshots.set(snapshot.stream, snapshot);
  }

  loadSnapshot(stream: string): Snapshot | undefined {
    return this.snapshots.get(stream);
  }
}
