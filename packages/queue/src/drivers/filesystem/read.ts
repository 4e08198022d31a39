import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { ClaimedJob, JobError } from '../../contract/job.js';
import { garbageKey } from './garbage.js';
import { type JobName, parseName } from './names.js';
import { corrupt, decodeRecord, type RecordHeader } from './record.js';
import { readRegular } from './safe-io.js';

/**
 * Open flags of a job file: never block (a FIFO dropped into ready/ would freeze the event loop on a
 * blocking open) and never follow a symbolic link out of the queue directory.
 */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/** What a non-regular file is, for the failed store's reason. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Read `length` bytes at `offset` of a job file (shorter when the file was truncated). Throws for non-regular files. */
export function readSlice(path: string, offset: number, length: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw corrupt('not a regular file: a symbolic link');
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw corrupt(`not a regular file: ${kindOf(st)}`);
    const buf = Buffer.allocUnsafe(length);
    const n = readSync(fd, buf, 0, length, offset);
    return n === length ? buf : buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Fields of a claimed job when the record cannot be read. */
function unreadable(key: string, parsed: JobName | undefined): Omit<ClaimedJob, 'lease'> {
  return {
    id: key, dedupe: false, name: '?', data: undefined, priority: parsed?.priority ?? 0, runAt: 0, attempts: 1,
    backoff: { type: 'fixed', delay: 0 }, timeout: 0, createdAt: parsed?.time ?? 0,
    attemptsMade: parsed?.attemptsMade ?? 0, stalls: parsed?.stalls ?? 0,
  };
}

/**
 * Build a job from its file: name counters + record. Never throws: unreadable records carry `corrupt`.
 * With `errorsDir`, a job that was retried (attemptsMade > 0) takes the meta its last retry kept in
 * errors/<key>.meta (see retryMetaPath) instead of the meta of its push.
 */
export function loadJob(path: string, name: string, lease: string, errorsDir?: string): ClaimedJob {
  const parsed = parseName(name);
  if (parsed === undefined) {
    const key = garbageKey(name);
    let why = `unrecognised file name '${name}'`;
    try {
      readSlice(path, 0, 0);
    } catch (err) {
      why += ` (${(err as Error).message})`;
    }
    return { ...unreadable(key, undefined), lease, corrupt: why };
  }
  let header: RecordHeader;
  let data: ClaimedJob['data'];
  try {
    ({ header, data } = decodeRecord(readSlice(path, parsed.offset, parsed.length), parsed.length));
  } catch (err) {
    return { ...unreadable(parsed.key, parsed), lease, corrupt: (err as Error).message };
  }
  const job: ClaimedJob = {
    id: header.id, dedupe: header.dedupe, name: header.name, data, priority: parsed.priority, runAt: header.runAt,
    attempts: header.attempts, backoff: header.backoff, timeout: header.timeout, createdAt: header.createdAt,
    attemptsMade: parsed.attemptsMade, stalls: parsed.stalls, lease,
  };
  const meta = errorsDir !== undefined && parsed.attemptsMade > 0 ? readRetryMeta(retryMetaPath(errorsDir, parsed.key)) : undefined;
  if (meta !== undefined) job.meta = meta;
  else if (header.meta !== undefined) job.meta = header.meta;
  return job;
}

/**
 * Where a retry keeps the claimed job's meta (the record itself is immutable: one batch file holds
 * many jobs). Written before the job is renamed out of leased/, so every claim after the retry sees it.
 */
export function retryMetaPath(errorsDir: string, key: string): string {
  return join(errorsDir, `${key}.meta`);
}

/** The meta a retry kept, or undefined when there is none (or it is unreadable: the push's meta is used then). */
function readRetryMeta(path: string): Record<string, string> | undefined {
  try {
    const value = JSON.parse(readRegular(path)) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, string>;
  } catch {
    return undefined;
  }
}

/** Parse an errors/<key>.jsonl file (one JobError per line; the failing one may carry `reason`). */
export function parseErrors(text: string): (JobError & { reason?: string })[] {
  const out: (JobError & { reason?: string })[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a torn last line after a crash: skip it
    }
  }
  return out;
}
