import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CqrsError } from '../errors.js';
import { applyPatch, type CommandStatusStore, type CreateResult, isFinished, type StatusPatch, Watchers } from './status-store.js';
import type { CommandRecord } from './types.js';

const ID = /^[A-Za-z0-9_.-]{1,200}$/;

function ioError(what: string, cause: unknown): CqrsError {
  return new CqrsError('ODY_CQRS_STATUS_STORE', `Command status store could not ${what}: ${(cause as Error).message}`, { cause });
}

/**
 * Status store in a directory shared by every process on the machine (pairs with the filesystem
 * queue driver): one JSON file per command written by atomic rename, and one `O_EXCL` file per
 * idempotency key so concurrent dispatches of one key agree on a single command.
 */
export class FilesystemStatusStore implements CommandStatusStore {
  readonly name = 'filesystem';
  private readonly records: string;
  private readonly keys: string;
  private readonly watchers = new Watchers();
  private ready?: Promise<void>;

  constructor(readonly dir: string) {
    this.records = join(dir, 'records');
    this.keys = join(dir, 'keys');
  }

  async create(record: CommandRecord): Promise<CreateResult> {
    await this.init();
    await this.write(record);
    const key = record.idempotencyKey;
    if (key !== undefined) {
      const keyFile = this.keyFile(key);
      // Write the id first, then hard-link it into place: the link is atomic and fails with EEXIST
      // when another dispatch won, so nobody ever reads a half-written key file.
      const tmp = join(this.keys, `.${randomUUID()}.tmp`);
      try {
        await writeFile(tmp, record.id);
        await link(tmp, keyFile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`claim idempotency key '${key}'`, err);
        await rm(tmp, { force: true });
        await rm(this.file(record.id), { force: true });
        const existing = await this.get((await readFile(keyFile, 'utf8')).trim());
        if (existing !== undefined) return { record: existing, created: false };
        throw new CqrsError('ODY_CQRS_STATUS_STORE', `Idempotency key '${key}' is claimed but its record is missing; retry the dispatch.`, {
          details: { idempotencyKey: key },
        });
      }
      await rm(tmp, { force: true });
    }
    this.watchers.notify(record);
    return { record, created: true };
  }

  async get(id: string): Promise<CommandRecord | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.file(id), 'utf8')) as CommandRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(`read command '${id}'`, err);
    }
  }

  async update(id: string, patch: StatusPatch): Promise<CommandRecord | undefined> {
    const current = await this.get(id);
    if (current === undefined) return undefined;
    const next = applyPatch(current, patch, Date.now());
    await this.write(next);
    this.watchers.notify(next);
    return next;
  }

  async prune(olderThan: number): Promise<number> {
    await this.init();
    let removed = 0;
    for (const file of await readdir(this.records)) {
      if (!file.endsWith('.json')) continue;
      const record = await this.get(file.slice(0, -5)).catch(() => undefined);
      if (record === undefined || !isFinished(record.state) || record.updatedAt >= olderThan) continue;
      if (record.idempotencyKey !== undefined) await rm(this.keyFile(record.idempotencyKey), { force: true });
      await rm(this.file(record.id), { force: true });
      removed++;
    }
    return removed;
  }

  watch(id: string, listener: (record: CommandRecord) => void): () => void {
    return this.watchers.add(id, listener);
  }

  async close(): Promise<void> {}

  private init(): Promise<void> {
    this.ready ??= Promise.all([mkdir(this.records, { recursive: true }), mkdir(this.keys, { recursive: true })]).then(
      () => undefined,
      (err) => {
        this.ready = undefined;
        throw ioError(`create directory '${this.dir}'`, err);
      },
    );
    return this.ready;
  }

  private async write(record: CommandRecord): Promise<void> {
    if (!ID.test(record.id)) {
      throw new CqrsError('ODY_CQRS_STATUS_STORE', `Command id '${record.id}' is not a safe file name.`, { details: { id: record.id } });
    }
    await this.init();
    const tmp = join(this.records, `.${record.id}.${randomUUID()}.tmp`);
    try {
      await writeFile(tmp, JSON.stringify(record));
      await rename(tmp, this.file(record.id));
    } catch (err) {
      await rm(tmp, { force: true });
      throw ioError(`write command '${record.id}'`, err);
    }
  }

  private file(id: string): string {
    return join(this.records, `${id}.json`);
  }

  private keyFile(key: string): string {
    return join(this.keys, createHash('sha256').update(key).digest('hex'));
  }
}
