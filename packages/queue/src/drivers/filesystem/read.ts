import { closeSync, openSync, readSync } from 'node:fs';
import type { ClaimedJob, JobError } from '../../contract/job.js';
import { type JobName, parseName } from './names.js';
import { decodeRecord, type RecordHeader } from './record.js';

/** Read `length` bytes at `offset` of a job file (shorter when the file was truncated). */
export function readSlice(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
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

/** Build a job from its file: name counters + record. Never throws: unreadable records carry `corrupt`. */
export function loadJob(path: string, name: string, lease: string): ClaimedJob {
  const parsed = parseName(name);
  if (parsed === undefined) return { ...unreadable(name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64), undefined), lease, corrupt: `unrecognised file name '${name}'` };
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
  if (header.meta !== undefined) job.meta = header.meta;
  return job;
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
