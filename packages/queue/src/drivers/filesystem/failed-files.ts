import { readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FailedJobRecord, FailReason, JobError } from '../../contract/job.js';
import { gone } from './claim.js';
import { garbageKey, moveGarbage, removeEntry } from './garbage.js';
import { formatName, type JobName, keyOf, parseName, splitLeased, splitTimePrefixed, timePrefixed } from './names.js';
import type { QueueDir } from './queue-dir.js';
import { loadJob, parseErrors, retryMetaPath } from './read.js';
import { appendRegular, readRegular } from './safe-io.js';

/** The failed store: failed/<failedAt>_<name> plus errors/<key>.jsonl (every attempt's error, reason last). */
export class FailedFiles {
  private seq = 0;

  constructor(private readonly dir: QueueDir) {}

  /** Move a leased job to failed/ with its final error and reason. False if the lease was lost. */
  moveFromLeased(leased: string, id: string, reason: FailReason, error: JobError): boolean {
    const base = splitLeased(leased)?.name ?? leased;
    const parsed = parseName(base);
    const name = parsed === undefined ? base : formatName({ ...parsed, attemptsMade: error.attempt });
    const key = parsed?.key ?? keyOf(id);
    try {
      renameSync(join(this.dir.leased, leased), join(this.dir.failed, timePrefixed(Date.now(), name)));
    } catch (err) {
      if (gone(err)) return false;
      throw err;
    }
    appendRegular(join(this.dir.errors, `${key}.jsonl`), `${JSON.stringify({ ...error, reason })}\n`);
    return true;
  }

  /** Move an expired lease to failed/ as 'stalled'; returns the job id, or undefined if another process won. */
  moveStalled(leased: string, parsed: JobName, error: JobError): string | undefined {
    const target = join(this.dir.failed, timePrefixed(Date.now(), formatName(parsed)));
    try {
      renameSync(join(this.dir.leased, leased), target);
    } catch (err) {
      if (gone(err)) return undefined;
      throw err;
    }
    appendRegular(join(this.dir.errors, `${parsed.key}.jsonl`), `${JSON.stringify({ ...error, reason: 'stalled' })}\n`);
    return this.idOf(target, formatName(parsed)) ?? parsed.key;
  }

  /** The job id stored in a job file's record. */
  idOf(path: string, name: string): string | undefined {
    const job = loadJob(path, name, '');
    return job.corrupt === undefined ? job.id : undefined;
  }

  list(offset: number, limit: number): FailedJobRecord[] {
    return this.names().slice(offset, offset + limit).map((n) => this.load(n));
  }

  get(id: string): FailedJobRecord | undefined {
    const needle = `.${keyOf(id)}.`;
    for (const n of this.names()) {
      if (!n.includes(needle)) continue;
      const record = this.load(n);
      if (record.id === id || record.name === '?') return record;
    }
    return undefined;
  }

  retry(ids?: readonly string[]): number {
    let n = 0;
    for (const file of this.select(ids)) {
      const parsed = parseName(splitTimePrefixed(file)!.name);
      if (parsed === undefined) continue;
      const name = formatName({ ...parsed, time: Date.now(), seq: this.seq++, attemptsMade: 0, stalls: 0 });
      try {
        renameSync(join(this.dir.failed, file), join(this.dir.ready, name));
      } catch (err) {
        if (gone(err)) continue;
        throw err;
      }
      unlinkQuiet(join(this.dir.errors, `${parsed.key}.jsonl`));
      unlinkQuiet(retryMetaPath(this.dir.errors, parsed.key));
      this.dir.candidates.add(name);
      n++;
    }
    if (n > 0) this.dir.waiters.notify();
    return n;
  }

  purge(ids?: readonly string[]): number {
    let n = 0;
    for (const file of this.select(ids)) {
      try {
        removeEntry(join(this.dir.failed, file));
      } catch (err) {
        if (gone(err)) continue;
        throw err;
      }
      const name = splitTimePrefixed(file)!.name;
      const key = parseName(name)?.key ?? garbageKey(name);
      unlinkQuiet(join(this.dir.errors, `${key}.jsonl`));
      unlinkQuiet(retryMetaPath(this.dir.errors, key));
      n++;
    }
    return n;
  }

  /** Entries of failed/, oldest first; an entry without our time prefix (dropped by hand) is given one. */
  private names(): string[] {
    const names: string[] = [];
    let renamed = false;
    for (const n of readdirSync(this.dir.failed)) {
      if (splitTimePrefixed(n) !== undefined) names.push(n);
      else renamed = moveGarbage(this.dir, this.dir.failed, n, 'failed') || renamed;
    }
    return renamed ? this.names() : names.sort();
  }

  private select(ids: readonly string[] | undefined): string[] {
    const all = this.names();
    if (ids === undefined) return all;
    const wanted = new Set(ids);
    return all.filter((n) => {
      const parsed = parseName(splitTimePrefixed(n)!.name);
      if (parsed === undefined) return false;
      const keyMatch = ids.some((id) => keyOf(id) === parsed.key);
      return keyMatch && wanted.has(this.load(n).id);
    });
  }

  private load(file: string): FailedJobRecord {
    const split = splitTimePrefixed(file)!;
    const job = loadJob(join(this.dir.failed, file), split.name, '', this.dir.errors);
    const key = parseName(split.name)?.key ?? garbageKey(split.name);
    let errors: (JobError & { reason?: string })[] = [];
    try {
      errors = parseErrors(readRegular(join(this.dir.errors, `${key}.jsonl`)));
    } catch {
      // no errors file (e.g. a corrupt file moved by hand)
    }
    const last = errors.at(-1);
    const reason = (last?.reason ?? (job.corrupt === undefined ? 'error' : 'corrupt')) as FailReason;
    const { lease: _lease, corrupt: _corrupt, ...rest } = job;
    return { ...rest, reason, errors: errors.map(({ reason: _r, ...e }) => e), failedAt: split.time };
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
