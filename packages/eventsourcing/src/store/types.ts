import type { ExpectedVersion } from '../errors.js';

/** Metadata stored with each event; correlation and causation ids come from the Ody context. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /** W3C trace context of the appending work, when one is active. */
  traceparent?: string;
  readonly [key: string]: unknown;
}

/** An event to append. `id` defaults to a new UUID, `schemaVersion` to 1. */
export interface NewEvent<D = unknown> {
  readonly type: string;
  readonly data: D;
  readonly id?: string;
  readonly schemaVersion?: number;
  readonly metadata?: EventMetadata;
}

/** An event as stored: positions in its stream (from 1) and in the whole store (from 1). */
export interface RecordedEvent<D = unknown> {
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: D;
  readonly metadata: EventMetadata;
  /** 1 for a stream's first event. */
  readonly streamPosition: number;
  /** Position in the store-wide log; strictly increasing in commit order (numbers may skip). */
  readonly globalPosition: number;
  /** ISO 8601 time the event was recorded. */
  readonly recordedAt: string;
}

/** Options of an append. */
export interface AppendOptions {
  /** Default `'any'`. */
  readonly expectedVersion?: ExpectedVersion;
}

/** What an append wrote. */
export interface AppendResult {
  /** The stream's version after the append: pass it as the next expectedVersion. */
  readonly nextExpectedVersion: number;
  /** The events as recorded, with positions. */
  readonly events: readonly RecordedEvent[];
  /** Global position of the last event written. */
  readonly lastPosition: number;
}

/** Options of `read(stream)`. Positions are stream positions, both ends inclusive. */
export interface ReadOptions {
  /** First position to return (forward default 1; backward default: the last event). */
  readonly from?: number;
  /** Last position to return (forward: upper bound; backward: lower bound). */
  readonly to?: number;
  readonly direction?: 'forward' | 'backward';
  readonly limit?: number;
}

/** Which events `readAll`/subscriptions deliver. */
export interface EventFilter {
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Only streams whose name starts with this prefix (a category such as `order-`). */
  readonly streamPrefix?: string;
}

/** Options of `readAll`. */
export interface ReadAllOptions {
  /** First global position to return (inclusive, default 1). */
  readonly fromPosition?: number;
  readonly limit?: number;
  readonly filter?: EventFilter;
}

/** A stored snapshot of one stream's state at a version. */
export interface Snapshot<S = unknown> {
  readonly stream: string;
  /** Stream version the state includes. */
  readonly version: number;
  /** Shape version of the state, so old snapshots can be ignored after a model change. */
  readonly schemaVersion: number;
  readonly state: S;
}

/** Where a stream stands. */
export interface StreamInfo {
  /** Position of its last event (0 when it has none), deleted or not. */
  readonly version: number;
  /** True after deleteStream until a new append. */
  readonly deleted: boolean;
}

/**
 * The event store contract every store implements (and the conformance suite checks).
 * Appends are atomic per call; reads of the global log never skip a committed event.
 */
export interface EventStore {
  /** Store name, for logs and errors. */
  readonly name: string;
  /** Append events to a stream, all or none; throws VersionConflictError when `expectedVersion` does not hold. */
  append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream (hidden below a soft delete). */
  read(stream: string, options?: ReadOptions): Promise<RecordedEvent[]>;
  /** Events of every stream in global order, gap-free. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The stream's version (0 when it has no events). */
  streamVersion(stream: string): Promise<number>;
  /** Version and deletion state of a stream. */
  streamInfo(stream: string): Promise<StreamInfo>;
  /** Soft-delete: reads of the stream return nothing until it is appended to again; the global log keeps its events. */
  deleteStream(stream: string, options?: AppendOptions): Promise<void>;
  /** Position of the newest committed event (0 when empty). */
  headPosition(): Promise<number>;
  /** Save a snapshot (replacing an older one of the stream). */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** The newest snapshot of a stream, if any. */
  loadSnapshot(stream: string): Promise<Snapshot | undefined>;
  /** Call `listener` after events commit (a wake-up hint for subscriptions); returns an unsubscribe. */
  onAppended(listener: () => void): () => void;
  /** Release files, connections and timers; later calls throw ODY_EVENTSOURCING_STORE_CLOSED. */
  close(): Promise<void>;
}
