import { EventSourcingError } from '../errors.js';
import type { RecordedEvent } from '../store/types.js';

/** The error a checkpoint commit throws when another runner moved the checkpoint first. */
export function checkpointMoved(projection: string, from: number): EventSourcingError {
  return new EventSourcingError('ODY_EVENTSOURCING_CHECKPOINT_MOVED', `Projection '${projection}' is no longer at position ${from}: another runner advanced it. This batch was not committed.`, {
    details: { projection, from },
  });
}

/** An event a projection gave up on, kept for inspection and replay. */
export interface DeadLetter {
  readonly projection: string;
  readonly event: RecordedEvent;
  readonly error: string;
  readonly failedAt: string;
}

/** Where async projections keep their position and their dead letters. */
export interface CheckpointStore<Tx = unknown> {
  /** Last processed global position (0 when never run). */
  load(projection: string): Promise<number>;
  save(projection: string, position: number): Promise<void>;
  /**
   * Run the projection's write and move the checkpoint from `from` to `to` as one unit where the store
   * allows it (one PostgreSQL transaction: effects exactly once). Throws, and keeps nothing, when the
   * checkpoint is no longer at `from` (another runner moved it).
   */
  commit(projection: string, from: number, to: number, work: (tx: Tx) => Promise<void>): Promise<void>;
  deadLetter(projection: string, event: RecordedEvent, error: string): Promise<void>;
  deadLetters(projection: string): Promise<DeadLetter[]>;
}

/** Checkpoints in memory (tests; projections whose target is memory too). */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();
  private readonly dead = new Map<string, DeadLetter[]>();

  async load(projection: string): Promise<number> {
    return this.positions.get(projection) ?? 0;
  }

  async save(projection: string, position: number): Promise<void> {
    this.positions.set(projection, position);
  }

  async commit(projection: string, from: number, to: number, work: (tx: undefined) => Promise<void>): Promise<void> {
    await work(undefined);
    if ((this.positions.get(projection) ?? 0) !== from) throw checkpointMoved(projection, from);
    this.positions.set(projection, to);
  }

  async deadLetter(projection: string, event: RecordedEvent, error: string): Promise<void> {
    const list = this.dead.get(projection) ?? [];
    if (!list.some((d) => d.event.globalPosition === event.globalPosition)) list.push({ projection, event, error, failedAt: new Date().toISOString() });
    this.dead.set(projection, list);
  }

  async deadLetters(projection: string): Promise<DeadLetter[]> {
    return [...(this.dead.get(projection) ?? [])];
  }
}
