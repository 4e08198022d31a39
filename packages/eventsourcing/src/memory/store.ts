import { EventSourcingError } from '../errors.js';
import { type InlineProjection, runInline } from '../projections/inline.js';
import { Listeners, Serial } from '../store/listeners.js';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadOptions, RecordedEvent, Snapshot, StreamInfo } from '../store/types.js';
import { assertExpected, checkEvents, checkExpected, checkRead, checkStream } from '../store/validate.js';
import { LogState } from './state.js';

/** Options of the memory store. */
export interface MemoryEventStoreOptions {
  /** Run inside each append, before it commits. */
  projections?: readonly InlineProjection<undefined>[];
}

/**
 * An event store in this process's memory: for tests and single-process prototypes.
 * @example
 * const store = memoryEventStore();
 * await store.append('order-1', [{ type: 'OrderPlaced', data: { sku: 'a' } }], { expectedVersion: 'no-stream' });
 */
export class MemoryEventStore implements EventStore {
  readonly name = 'memory';
  private readonly state = new LogState();
  private readonly listeners = new Listeners();
  private readonly serial = new Serial();
  private closed = false;

  constructor(private readonly options: MemoryEventStoreOptions = {}) {}

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.open();
    checkStream(stream);
    checkEvents(stream, events);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    const projections = this.options.projections ?? [];
    if (projections.length === 0) return this.commit(this.state.prepare(stream, events, expected), stream);
    return this.serial.run(async () => {
      const recorded = this.state.prepare(stream, events, expected);
      await runInline(projections, recorded, undefined);
      return this.commit(recorded, stream);
    });
  }

  private commit(recorded: RecordedEvent[], stream: string): AppendResult {
    this.state.stage(recorded);
    this.state.publish(this.state.lastAssigned);
    if (recorded.length > 0) this.listeners.fire();
    return { nextExpectedVersion: this.state.writeInfo(stream).version, events: recorded, lastPosition: this.state.lastAssigned };
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    this.open();
    checkStream(stream);
    checkRead(options);
    return this.state.read(stream, options);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.open();
    checkRead(options);
    return this.state.readAll(options);
  }

  async streamVersion(stream: string): Promise<number> {
    return (await this.streamInfo(stream)).version;
  }

  async streamInfo(stream: string): Promise<StreamInfo> {
    this.open();
    checkStream(stream);
    return this.state.info(stream);
  }

  async deleteStream(stream: string, options: AppendOptions = {}): Promise<void> {
    this.open();
    checkStream(stream);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    const info = this.state.writeInfo(stream);
    assertExpected(stream, expected, info);
    this.state.stageDelete(stream, info.version);
  }

  async headPosition(): Promise<number> {
    this.open();
    return this.state.visible;
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.open();
    this.state.saveSnapshot(structuredClone(snapshot));
  }

  async loadSnapshot(stream: string): Promise<Snapshot | undefined> {
    this.open();
    const s = this.state.loadSnapshot(stream);
    return s === undefined ? undefined : structuredClone(s);
  }

  onAppended(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  private open(): void {
    if (this.closed) throw new EventSourcingError('ODY_EVENTSOURCING_STORE_CLOSED', `The ${this.name} event store is closed.`);
  }
}

/** Create a memory event store. */
export function memoryEventStore(options?: MemoryEventStoreOptions): MemoryEventStore {
  return new MemoryEventStore(options);
}
