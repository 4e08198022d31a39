import type { CommandRecord, CommandState, RecordedError } from './types.js';

/** A state change applied to a record by the dispatcher or a worker. */
export interface StatusPatch {
  state: CommandState;
  attempts?: number;
  result?: unknown;
  error?: RecordedError;
}

/** What create() did: the new record, or the existing one when the idempotency key was taken. */
export interface CreateResult {
  record: CommandRecord;
  created: boolean;
}

/**
 * Where async command statuses live, beside the queue (memory, filesystem; a Redis store can
 * implement the same interface). Implementations must make create() atomic per idempotency key
 * across every process that shares the store.
 */
export interface CommandStatusStore {
  /** Short name for logs ('memory', 'filesystem', 'redis'). */
  readonly name: string;
  /**
   * Store a new record. When `record.idempotencyKey` is already mapped to a record, store nothing
   * and return that record with `created: false`.
   */
  create(record: CommandRecord): Promise<CreateResult>;
  /** The record, or undefined when unknown or pruned. */
  get(id: string): Promise<CommandRecord | undefined>;
  /** Apply a transition (updatedAt = now); undefined when the record does not exist. */
  update(id: string, patch: StatusPatch): Promise<CommandRecord | undefined>;
  /** Delete finished records (succeeded/failed) last updated before `olderThan` (epoch ms); returns how many. */
  prune(olderThan: number): Promise<number>;
  /**
   * Be told when this store instance writes the record (same process); other processes' writes are
   * seen by polling get(). Returns an unsubscribe function.
   */
  watch(id: string, listener: (record: CommandRecord) => void): () => void;
  /** Release timers and handles. Idempotent. */
  close(): Promise<void>;
}

/** True when a command will not change state again. */
export function isFinished(state: CommandState): boolean {
  return state === 'succeeded' || state === 'failed';
}

/** Apply a patch to a record (pure). */
export function applyPatch(record: CommandRecord, patch: StatusPatch, now: number): CommandRecord {
  const next: CommandRecord = {
    ...record,
    state: patch.state,
    attempts: patch.attempts ?? record.attempts,
    updatedAt: now,
  };
  if (patch.result !== undefined) (next as { result?: unknown }).result = patch.result;
  if (patch.error !== undefined) (next as { error?: RecordedError }).error = patch.error;
  return next;
}

/** Local listeners per command id, shared by the store implementations. */
export class Watchers {
  private readonly byId = new Map<string, Set<(r: CommandRecord) => void>>();

  add(id: string, listener: (r: CommandRecord) => void): () => void {
    let set = this.byId.get(id);
    if (set === undefined) {
      set = new Set();
      this.byId.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byId.delete(id);
    };
  }

  notify(record: CommandRecord): void {
    const set = this.byId.get(record.id);
    if (set !== undefined) for (const l of [...set]) l(record);
  }
}
