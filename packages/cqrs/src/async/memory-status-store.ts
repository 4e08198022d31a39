import { applyPatch, type CommandStatusStore, type CreateResult, isFinished, mayApply, type StatusPatch, Watchers } from './status-store.js';
import type { CommandRecord } from './types.js';

/** Status store in this process's memory (pairs with the memory queue driver). */
export class MemoryStatusStore implements CommandStatusStore {
  readonly name = 'memory';
  private readonly records = new Map<string, CommandRecord>();
  private readonly keys = new Map<string, string>();
  private readonly watchers = new Watchers();

  async claimKey(key: string, id: string): Promise<string> {
    const owner = this.keys.get(key);
    if (owner !== undefined) return owner;
    this.keys.set(key, id);
    return id;
  }

  async create(record: CommandRecord): Promise<CreateResult> {
    const existing = this.records.get(record.id);
    if (existing !== undefined) return { record: existing, created: false };
    this.records.set(record.id, record);
    this.watchers.notify(record);
    return { record, created: true };
  }

  async get(id: string): Promise<CommandRecord | undefined> {
    return this.records.get(id);
  }

  async update(id: string, patch: StatusPatch, base?: CommandRecord): Promise<CommandRecord | undefined> {
    const current = this.records.get(id) ?? base;
    if (current === undefined) return undefined;
    if (!mayApply(current, patch)) return current;
    const next = applyPatch(current, patch, Date.now());
    this.records.set(id, next);
    this.watchers.notify(next);
    return next;
  }

  async prune(olderThan: number): Promise<number> {
    let removed = 0;
    for (const [id, r] of this.records) {
      if (isFinished(r.state) && r.updatedAt < olderThan) {
        this.records.delete(id);
        if (r.idempotencyKey !== undefined && this.keys.get(r.idempotencyKey) === id) this.keys.delete(r.idempotencyKey);
        removed++;
      }
    }
    return removed;
  }

  watch(id: string, listener: (record: CommandRecord) => void): () => void {
    return this.watchers.add(id, listener);
  }

  async close(): Promise<void> {}
}
