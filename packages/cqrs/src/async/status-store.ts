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
 * Where async command statuses live, beside the queue (memory, filesystem, Redis in
 * `@ody/cqrs/redis`). Implementations make claimKey() and create() atomic across every process
 * that shares the store, and never let update() regress a finished record (see mayApply()).
 */
export interface CommandStatusStore {
  /** Short name for logs ('memory', 'filesystem', 'redis'). */
  readonly name: string;
  /**
   * True when watch() also reports writes made by other processes (Redis pub/sub); wait() then
   * polls only as a slow safety net. False/absent: other processes' writes are seen by polling get().
   */
  readonly sharedWatch?: boolean;
  /**
   * Map an idempotency key to `id` unless it is mapped already; returns the id the key maps to
   * (`id` itself when this call won). Atomic across processes.
   */
  claimKey(key: string, id: string): Promise<string>;
  /**
   * Store a new record unless a record with this id exists (a worker may have written it first);
   * then store nothing and return the existing one with `created: false`.
   */
  create(record: CommandRecord): Promise<CreateResult>;
  /** The record, or undefined when unknown or pruned. */
  get(id: string): Promise<CommandRecord | undefined>;
  /**
   * Apply a transition (updatedAt = now) when mayApply() allows it, and return the record as stored
   * afterwards (unchanged when refused). A missing record is created from `base` when given,
   * else undefined is returned.
   */
  update(id: string, patch: StatusPatch, base?: CommandRecord): Promise<CommandRecord | undefined>;
  /** Delete finished records (succeeded/failed) last updated before `olderThan` (epoch ms); returns how many. */
  prune(olderThan: number): Promise<number>;
  /**
   * Be told when the record is written (by this instance; by any process when `sharedWatch`).
   * Returns an unsubscribe function.
   */
  watch(id: string, listener: (record: CommandRecord) => void): () => void;
  /** Resolves once watch(id) notifications from other processes flow (only stores with `sharedWatch`). */
  watchReady?(id: string): Promise<void>;
  /** Release timers and handles. Idempotent. */
  close(): Promise<void>;
}

/**
 * Whether a patch may change a record: `succeeded` is final; `failed` only turns `running` again
 * (a job retried from the failed store). So a late or redelivered write never regresses a result.
 */
export function mayApply(current: CommandRecord, patch: StatusPatch): boolean {
  if (current.state === 'succeeded') return false;
  if (current.state === 'failed') return patch.state === 'running';
  return true;
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
