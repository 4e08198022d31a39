import type { RecordedEvent } from '../store/types.js';

/** An event a projection gave up on, kept for inspection and replay. */
export interface DeadLetter {
  readonly projection: string;
  readonly event: RecordedEvent;
  readonly error: string;
  readonly failedAt: string;
}

/** Where async projections keep their position and their dead letters. */
export interface CheckpointStore {
  /** Last processed global position (0 when never run). */
  load(projection: string): Promise<number>;
  save(projection: string, position: number): Promise<void>;
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

  async deadLetter(projection: string, event: RecordedEvent, error: string): Promise<void> {
    const list = this.dead.get(projection) ?? [];
    if (!list.some((d) => d.event.globalPosition === event.globalPosition)) list.push({ projection, event, error, failedAt: new Date().toISOString() });
    this.dead.set(projection, list);
  }

  async deadLetters(projection: string): Promise<DeadLetter[]> {
    return [...(this.dead.get(projection) ?? [])];
  }
}
