import { createHash, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CqrsError } from '../errors.js';
import { applyPatch, type CommandStatusStore, type CreateResult, isFinished, mayApply, type StatusPatch, Watchers } from './status-store.js';
import type { CommandRecord } from './types.js';

const ID = /^[A-Za-z0-9_.-]{1,200}$/;

function ioError(what: string, cause: unknown): CqrsError {
  return new CqrsError('ODY_CQRS_STATUS_STORE', `Command status store could not ${what}: ${(cause as Error).message}`, { cause });
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Status store in a directory shared by every process on the machine (pairs with the filesystem
 * queue driver): one JSON file per command, replaced by atomic rename, created with an atomic hard
 * link (so a record is never half-written and two creators agree), and one linked file per
 * idempotency key. Files are small and page-cached, so calls are synchronous like the filesystem
 * queue driver's (a thread-pool hop costs more than the syscall) and nothing is fsynced: a status is
 * derivable from the queue (the worker re-creates a missing record from the job).
 */
export class FilesystemStatusStore implements CommandStatusStore {
  readonly name = 'filesystem';
  private readonly records: string;
  private readonly keys: string;
  private readonly watchers = new Watchers();
  private ready = false;

  constructor(readonly dir: string) {
    this.records = join(dir, 'records');
    this.keys = join(dir, 'keys');
  }

  async claimKey(key: string, id: string): Promise<string> {
    const keyFile = join(this.keys, createHash('sha256').update(key).digest('hex'));
    // Write the id first, then hard-link it into place: the link is atomic and fails with EEXIST
    // when another dispatch won, so nobody ever reads a half-written key file.
    return this.linkNew(keyFile, id, () => readFileSync(keyFile, 'utf8').trim(), `claim idempotency key '${key}'`);
  }

  async create(record: CommandRecord): Promise<CreateResult> {
    const file = this.file(record.id);
    let existing: CommandRecord | undefined;
    this.linkNew(file, JSON.stringify(record), () => (existing = this.read(record.id)), `create command '${record.id}'`);
    if (existing !== undefined) return { record: existing, created: false };
    this.watchers.notify(record);
    return { record, created: true };
  }

  async get(id: string): Promise<CommandRecord | undefined> {
    return ID.test(id) ? this.read(id) : undefined;
  }

  async update(id: string, patch: StatusPatch, base?: CommandRecord): Promise<CommandRecord | undefined> {
    const current = (ID.test(id) ? this.read(id) : undefined) ?? base;
    if (current === undefined) return undefined;
    if (!mayApply(current, patch)) return current;
    const next = applyPatch(current, patch, Date.now());
    this.write(next);
    this.watchers.notify(next);
    return next;
  }

  async prune(olderThan: number): Promise<number> {
    this.init();
    let removed = 0;
    for (const file of await readdir(this.records)) {
      if (!file.endsWith('.json')) continue;
      const record = await readFile(join(this.records, file), 'utf8').then((t) => JSON.parse(t) as CommandRecord, () => undefined);
      if (record === undefined || !isFinished(record.state) || record.updatedAt >= olderThan) continue;
      if (record.idempotencyKey !== undefined) {
        const keyFile = join(this.keys, createHash('sha256').update(record.idempotencyKey).digest('hex'));
        const owner = await readFile(keyFile, 'utf8').catch(() => '');
        if (owner.trim() === record.id) await rm(keyFile, { force: true });
      }
      await rm(this.file(record.id), { force: true });
      removed++;
    }
    return removed;
  }

  watch(id: string, listener: (record: CommandRecord) => void): () => void {
    return this.watchers.add(id, listener);
  }

  async close(): Promise<void> {}

  private init(): void {
    if (this.ready) return;
    try {
      mkdirSync(this.records, { recursive: true });
      mkdirSync(this.keys, { recursive: true });
    } catch (err) {
      throw ioError(`create directory '${this.dir}'`, err);
    }
    this.ready = true;
  }

  /** Create `target` holding `text` unless it exists; on EEXIST return `onExists()`. */
  private linkNew<T>(target: string, text: string, onExists: () => T, what: string): T | string {
    this.init();
    const tmp = join(this.keys, `.${randomUUID()}.tmp`);
    try {
      writeFileSync(tmp, text);
      linkSync(tmp, target);
      return text;
    } catch (err) {
      if (code(err) !== 'EEXIST') throw ioError(what, err);
      return onExists();
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  private read(id: string): CommandRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.file(id), 'utf8')) as CommandRecord;
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      throw ioError(`read command '${id}'`, err);
    }
  }

  private write(record: CommandRecord): void {
    const tmp = join(this.records, `.${record.id}.${randomUUID()}.tmp`);
    try {
      this.init();
      writeFileSync(tmp, JSON.stringify(record));
      renameSync(tmp, this.file(record.id));
    } catch (err) {
      rmSync(tmp, { force: true });
      throw ioError(`write command '${record.id}'`, err);
    }
  }

  private file(id: string): string {
    if (!ID.test(id)) {
      throw new CqrsError('ODY_CQRS_STATUS_STORE', `Command id '${id}' is not a safe file name.`, { details: { id } });
    }
    return join(this.records, `${id}.json`);
  }
}
