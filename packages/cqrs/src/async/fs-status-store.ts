import { createHash, randomUUID } from 'node:crypto';
import { closeSync, constants, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
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

const APPEND = constants.O_WRONLY | constants.O_APPEND;
const CREATE_NEW = APPEND | constants.O_CREAT | constants.O_EXCL;
const CREATE_OR_APPEND = APPEND | constants.O_CREAT;

/** One line of a command's file: its first record, or a transition. */
type Line = { record: CommandRecord } | { patch: StatusPatch; at: number };

/**
 * Replay a command file: the first `record` line wins (later ones are a worker's or dispatcher's
 * copy of it), then each `patch` that mayApply() allows. A line without its newline is still being
 * written and is ignored (the reader sees the state before that write).
 */
export function foldLines(text: string): CommandRecord | undefined {
  let record: CommandRecord | undefined;
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
    let line: Line;
    try {
      line = JSON.parse(text.slice(start, end)) as Line;
    } catch {
      continue;
    }
    if ('record' in line) record ??= line.record;
    else if (record !== undefined && mayApply(record, line.patch)) record = applyPatch(record, line.patch, line.at);
  }
  return record;
}

/**
 * Status store in a directory shared by every process on the machine (pairs with the filesystem
 * queue driver). Each command is one append-only file of JSON lines: created with `O_EXCL` (so two
 * creators agree), then one `O_APPEND` write per transition, replayed on read — one file creation
 * per command and no rename/unlink, which is what costs on most filesystems. Because the replay
 * applies the no-regression rule, concurrent writers in several processes cannot regress a
 * finished record. Idempotency keys are claimed by an atomic hard link. Calls are synchronous like
 * the filesystem queue driver's (a thread-pool hop costs more than these small page-cached
 * syscalls), and nothing is fsynced: a lost status is re-created by the worker from the job.
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
    this.init();
    const keyFile = this.keyFile(key);
    // Write the id first, then hard-link it into place: the link is atomic and fails with EEXIST
    // when another dispatch won, so nobody ever reads a half-written key file.
    const tmp = join(this.keys, `.${randomUUID()}.tmp`);
    try {
      writeFileSync(tmp, id);
      linkSync(tmp, keyFile);
      return id;
    } catch (err) {
      if (code(err) !== 'EEXIST') throw ioError(`claim idempotency key '${key}'`, err);
      return readFileSync(keyFile, 'utf8').trim();
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async create(record: CommandRecord): Promise<CreateResult> {
    const file = this.file(record.id);
    if (!this.append(file, CREATE_NEW, `${JSON.stringify({ record })}\n`, `create command '${record.id}'`)) {
      const existing = this.read(record.id);
      if (existing !== undefined) return { record: existing, created: false };
      // The other creator has not written its line yet: ours is as good (the first line wins).
      this.append(file, APPEND, `${JSON.stringify({ record })}\n`, `create command '${record.id}'`);
      return { record: this.read(record.id) ?? record, created: false };
    }
    this.watchers.notify(record);
    return { record, created: true };
  }

  async get(id: string): Promise<CommandRecord | undefined> {
    return ID.test(id) ? this.read(id) : undefined;
  }

  async update(id: string, patch: StatusPatch, base?: CommandRecord): Promise<CommandRecord | undefined> {
    if (!ID.test(id)) return undefined;
    const line = `${JSON.stringify({ patch, at: Date.now() })}\n`;
    const written =
      base === undefined
        ? this.append(this.file(id), APPEND, line, `update command '${id}'`)
        : this.append(this.file(id), CREATE_OR_APPEND, `${JSON.stringify({ record: base })}\n${line}`, `update command '${id}'`);
    if (!written) return undefined;
    const next = this.read(id);
    if (next !== undefined) this.watchers.notify(next);
    return next;
  }

  async prune(olderThan: number): Promise<number> {
    this.init();
    let removed = 0;
    for (const file of await readdir(this.records)) {
      if (!file.endsWith('.jsonl')) continue;
      const record = await readFile(join(this.records, file), 'utf8').then(foldLines, () => undefined);
      if (record === undefined || !isFinished(record.state) || record.updatedAt >= olderThan) continue;
      if (record.idempotencyKey !== undefined) {
        const keyFile = this.keyFile(record.idempotencyKey);
        const owner = await readFile(keyFile, 'utf8').catch(() => '');
        if (owner.trim() === record.id) await rm(keyFile, { force: true });
      }
      await rm(join(this.records, file), { force: true });
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

  /** One write() of `text` (atomic for these small lines); false when the file exists (O_EXCL) or is missing (no O_CREAT). */
  private append(file: string, flags: number, text: string, what: string): boolean {
    this.init();
    let fd: number;
    try {
      fd = openSync(file, flags, 0o644);
    } catch (err) {
      const c = code(err);
      if ((c === 'EEXIST' && flags === CREATE_NEW) || (c === 'ENOENT' && flags === APPEND)) return false;
      throw ioError(what, err);
    }
    try {
      writeSync(fd, text);
      return true;
    } catch (err) {
      throw ioError(what, err);
    } finally {
      closeSync(fd);
    }
  }

  private read(id: string): CommandRecord | undefined {
    try {
      return foldLines(readFileSync(this.file(id), 'utf8'));
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      throw ioError(`read command '${id}'`, err);
    }
  }

  private keyFile(key: string): string {
    return join(this.keys, createHash('sha256').update(key).digest('hex'));
  }

  private file(id: string): string {
    if (!ID.test(id)) {
      throw new CqrsError('ODY_CQRS_STATUS_STORE', `Command id '${id}' is not a safe file name.`, { details: { id } });
    }
    return join(this.records, `${id}.jsonl`);
  }
}
