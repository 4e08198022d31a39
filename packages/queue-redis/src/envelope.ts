import type { BackoffSpec, ClaimedJob, Encoded, FailedJobRecord, JobError, FailReason, NewJob } from '@ody/queue';

/** Rank used in ready scores: lower pops first. Priority 999999 → 0, 0 → 999999, -999999 → 1999998. */
export const DEFAULT_RANK = 999_999;

/** Ready-score rank of a priority (higher priority → lower rank). */
export function rankOf(priority: number): number {
  return DEFAULT_RANK - priority;
}

interface Header {
  /** rank (first key: the failed-retry script reads it with a pattern) */
  k: number;
  n: string;
  p: number;
  r: number;
  a: number;
  b: BackoffSpec;
  t: number;
  c: number;
  d: 0 | 1;
  m?: Record<string, string>;
  /** payload is base64 of bytes */
  x?: 1;
}

/**
 * A job as stored in Redis: one header line of JSON, "\n", then the payload (text as is, bytes as
 * base64). One HGET returns everything a worker needs.
 */
export function encodeEnvelope(job: NewJob): string {
  const h = header(job);
  if (typeof job.data === 'string') return `${JSON.stringify(h)}\n${job.data}`;
  return `${JSON.stringify(h)}\n${Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength).toString('base64')}`;
}

function header(job: Pick<NewJob, 'priority' | 'name' | 'runAt' | 'attempts' | 'backoff' | 'timeout' | 'createdAt' | 'dedupe' | 'meta' | 'data'>): Header {
  const h: Header = {
    k: rankOf(job.priority), n: job.name, p: job.priority, r: job.runAt, a: job.attempts, b: job.backoff,
    t: job.timeout, c: job.createdAt, d: job.dedupe ? 1 : 0,
  };
  if (job.meta !== undefined) h.m = job.meta;
  if (typeof job.data !== 'string') h.x = 1;
  return h;
}

/**
 * The envelope header line of a claimed job as it is now (its meta may have changed since the claim),
 * for the retry op to store; undefined for a job whose record was unreadable. The script keeps the
 * stored payload and rewrites the header only when it differs.
 */
export function claimedHeaderLine(job: ClaimedJob): string | undefined {
  if (job.data === undefined || job.corrupt !== undefined) return undefined;
  return JSON.stringify(header({ ...job, data: job.data }));
}

/** The envelope split into header and payload, or the reason it is unreadable. */
type Decoded = { ok: true; h: Header; data: Encoded } | { ok: false; reason: string };

function decodeEnvelope(env: string | null): Decoded {
  if (env === null || env === '') return { ok: false, reason: 'the job record is missing from Redis' };
  const nl = env.indexOf('\n');
  if (nl < 0) return { ok: false, reason: 'the job record has no header line (truncated)' };
  let h: Header;
  try {
    h = JSON.parse(env.slice(0, nl)) as Header;
  } catch {
    return { ok: false, reason: 'the job record header is not valid JSON' };
  }
  if (typeof h !== 'object' || h === null || typeof h.n !== 'string') {
    return { ok: false, reason: 'the job record header lacks its fields' };
  }
  const body = env.slice(nl + 1);
  return { ok: true, h, data: h.x === 1 ? new Uint8Array(Buffer.from(body, 'base64')) : body };
}

/** Parse "rank:attemptsMade:stalls[:dueAt]" (null → defaults). */
export function parseExtra(extra: string | null): { attemptsMade: number; stalls: number } {
  if (extra === null) return { attemptsMade: 0, stalls: 0 };
  const parts = extra.split(':');
  return { attemptsMade: Number(parts[1]) || 0, stalls: Number(parts[2]) || 0 };
}

/** Build the ClaimedJob for a claimed id from its envelope and extra entry. */
export function toClaimed(id: string, env: string | null, extra: string | null, lease: string): ClaimedJob {
  const { attemptsMade, stalls } = parseExtra(extra);
  const d = decodeEnvelope(env);
  if (!d.ok) {
    return {
      id, dedupe: false, name: '', data: undefined, priority: 0, runAt: 0, attempts: 1, backoff: { type: 'fixed', delay: 0 },
      timeout: 0, createdAt: 0, attemptsMade, stalls, lease, corrupt: d.reason,
    };
  }
  const { h } = d;
  const job: ClaimedJob = {
    id, dedupe: h.d === 1, name: h.n, data: d.data, priority: h.p, runAt: h.r, attempts: h.a, backoff: h.b, timeout: h.t,
    createdAt: h.c, attemptsMade, stalls, lease,
  };
  if (h.m !== undefined) job.meta = h.m;
  return job;
}

interface FailInfo {
  reason: FailReason;
  attemptsMade: number;
  stalls: number;
  failedAt: number;
  errors: JobError[];
}

/** Build a FailedJobRecord from the failed store's envelope and info JSON. */
export function toFailedRecord(id: string, env: string, infoJson: string): FailedJobRecord {
  let info: FailInfo;
  try {
    info = JSON.parse(infoJson) as FailInfo;
  } catch {
    info = { reason: 'corrupt', attemptsMade: 0, stalls: 0, failedAt: 0, errors: [] };
  }
  const d = decodeEnvelope(env);
  const h: Partial<Header> = d.ok ? d.h : {};
  const record: FailedJobRecord = {
    id, dedupe: h.d === 1, name: h.n ?? '', data: d.ok ? d.data : undefined, priority: h.p ?? 0, runAt: h.r ?? 0,
    attempts: h.a ?? 1, backoff: h.b ?? { type: 'fixed', delay: 0 }, timeout: h.t ?? 0, createdAt: h.c ?? 0,
    attemptsMade: info.attemptsMade, stalls: info.stalls, reason: info.reason, errors: info.errors, failedAt: info.failedAt,
  };
  if (h.m !== undefined) record.meta = h.m;
  return record;
}
