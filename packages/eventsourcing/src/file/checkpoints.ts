import { appendFile, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { EventSourcingError } from '../errors.js';
import { checkpointMoved, type CheckpointStore, type DeadLetter } from '../projections/checkpoints.js';
import type { RecordedEvent } from '../store/types.js';
import { fsyncDir } from './fsync-dir.js';

/**
 * Checkpoints as small files (`<name>.checkpoint`, written to a temp file, fsynced and renamed, so a
 * crash leaves the old or the new position), dead letters as `<name>.dead.jsonl`. The projection's
 * own writes are not in the same commit: it gets each event at least once and should be idempotent.
 */
export class FileCheckpointStore implements CheckpointStore<undefined> {
  private readonly cache = new Map<string, number>();

  constructor(private readonly dir: string) {}

  private file(projection: string, ext: string): string {
    if (!/^[A-Za-z0-9_.-]{1,200}$/.test(projection)) {
      throw new EventSourcingError('ODY_EVENTSOURCING_INVALID_ARGUMENT', `Projection name '${projection}' must be letters, digits, '_', '.', '-' to name a checkpoint file.`);
    }
    return join(this.dir, `${projection}.${ext}`);
  }

  async load(projection: string): Promise<number> {
    try {
      const n = Number((await readFile(this.file(projection, 'checkpoint'), 'utf8')).trim());
      this.cache.set(projection, n);
      return n;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  async save(projection: string, position: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(projection, 'checkpoint');
    const tmp = `${target}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(String(position));
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
    await fsyncDir(this.dir);
    this.cache.set(projection, position);
  }

  async commit(projection: string, from: number, to: number, work: (tx: undefined) => Promise<void>): Promise<void> {
    const current = this.cache.get(projection) ?? (await this.load(projection));
    if (current !== from) throw checkpointMoved(projection, from);
    await work(undefined);
    await this.save(projection, to);
  }

  async deadLetter(projection: string, event: RecordedEvent, error: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const line = `${JSON.stringify({ projection, event, error, failedAt: new Date().toISOString() } satisfies DeadLetter)}\n`;
    await appendFile(this.file(projection, 'dead.jsonl'), line);
  }

  async deadLetters(projection: string): Promise<DeadLetter[]> {
    try {
      const text = await readFile(this.file(projection, 'dead.jsonl'), 'utf8');
      return text
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as DeadLetter];
          } catch {
            return []; // a line torn by a crash
          }
        });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}
