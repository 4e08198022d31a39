import { headers, type MsgHdrs } from '@nats-io/transport-node';
import type { BackoffSpec, ClaimedJob, Encoded, FailedJobRecord, FailReason, JobError, NewJob } from '@ody/queue';

/** The header that carries a job's fields; the message body is the payload as is. */
export const JOB_HEADER = 'Ody-Job';

/** What a stored message says about its job, beside the payload. */
export interface JobHeader {
  i: string;
  n: string;
  p: number;
  r: number;
  a: number;
  b: BackoffSpec;
  t: number;
  c: number;
  d: 0 | 1;
  m?: Record<string, string>;
  /** attempts already failed */
  am: number;
  /** stalls before this message (a republished job carries them on) */
  st: number;
  /** errors of earlier attempts */
  e?: JobError[];
  /** payload is bytes (else UTF-8 text) */
  x?: 1;
  /** payload missing (a corrupt record moved to the failed store) */
  u?: 1;
  /** failed store: reason and time */
  fr?: FailReason;
  fa?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The header of a new job. */
export function newHeader(job: NewJob): JobHeader {
  const h: JobHeader = {
    i: job.id, n: job.name, p: job.priority, r: job.runAt, a: job.attempts, b: job.backoff, t: job.timeout, c: job.createdAt,
    d: job.dedupe ? 1 : 0, am: 0, st: 0,
  };
  if (job.meta !== undefined) h.m = job.meta;
  if (typeof job.data !== 'string') h.x = 1;
  return h;
}

/** The header of a job already claimed (for a retry or the failed store). */
export function claimedHeader(job: ClaimedJob, errors: JobError[] | undefined): JobHeader {
  const h: JobHeader = {
    i: job.id, n: job.name, p: job.priority, r: job.runAt, a: job.attempts, b: job.backoff, t: job.timeout, c: job.createdAt,
    d: job.dedupe ? 1 : 0, am: job.attemptsMade, st: job.stalls,
  };
  if (job.meta !== undefined) h.m = job.meta;
  if (errors !== undefined && errors.length > 0) h.e = errors;
  if (job.data === undefined) h.u = 1;
  else if (typeof job.data !== 'string') h.x = 1;
  return h;
}

/** NATS headers carrying `h`. */
export function toHeaders(h: JobHeader): MsgHdrs {
  const hdrs = headers();
  hdrs.set(JOB_HEADER, JSON.stringify(h));
  return hdrs;
}

/** Payload bytes of an encoded payload. */
export function payloadBytes(data: Encoded | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === 'string' ? encoder.encode(data) : data;
}

/** The header of a stored message, or the reason it cannot be read. */
export function readHeader(hdrs: MsgHdrs | undefined): { ok: true; h: JobHeader } | { ok: false; reason: string } {
  const raw = hdrs?.get(JOB_HEADER);
  if (raw === undefined || raw === '') return { ok: false, reason: `the message has no ${JOB_HEADER} header (not pushed by @ody/queue-nats)` };
  let h: JobHeader;
  try {
    h = JSON.parse(raw) as JobHeader;
  } catch {
    return { ok: false, reason: `the ${JOB_HEADER} header is not valid JSON` };
  }
  if (typeof h !== 'object' || h === null || typeof h.i !== 'string' || typeof h.n !== 'string') {
    return { ok: false, reason: `the ${JOB_HEADER} header lacks its fields` };
  }
  if (!wellTyped(h)) return { ok: false, reason: `the ${JOB_HEADER} header has fields of the wrong type` };
  return { ok: true, h };
}

const NUMBERS = ['p', 'r', 'a', 't', 'c', 'am', 'st'] as const;

/** Fields a worker uses without further checks (a missing backoff would throw in the retry path). */
function wellTyped(h: JobHeader): boolean {
  const b = h.b as unknown;
  return (
    NUMBERS.every((k) => typeof h[k] === 'number') && typeof b === 'object' && b !== null &&
    (h.e === undefined || Array.isArray(h.e)) && (h.m === undefined || (typeof h.m === 'object' && h.m !== null))
  );
}

function payloadOf(h: JobHeader, body: Uint8Array): Encoded | undefined {
  if (h.u === 1) return undefined;
  return h.x === 1 ? new Uint8Array(body) : decoder.decode(body);
}

/** The ClaimedJob of a delivered message; `corrupt` set when its header is unreadable. */
export function toClaimed(hdrs: MsgHdrs | undefined, body: Uint8Array, fallbackId: string, redeliveries: number, lease: string): { job: ClaimedJob; errors: JobError[] } {
  const read = readHeader(hdrs);
  if (!read.ok) {
    const job: ClaimedJob = {
      id: fallbackId, dedupe: false, name: '', data: undefined, priority: 0, runAt: 0, attempts: 1, backoff: { type: 'fixed', delay: 0 },
      timeout: 0, createdAt: 0, attemptsMade: 0, stalls: redeliveries, lease, corrupt: read.reason,
    };
    return { job, errors: [] };
  }
  const { h } = read;
  const job: ClaimedJob = {
    id: h.i, dedupe: h.d === 1, name: h.n, data: payloadOf(h, body), priority: h.p, runAt: h.r, attempts: h.a, backoff: h.b,
    timeout: h.t, createdAt: h.c, attemptsMade: h.am, stalls: h.st + redeliveries, lease,
  };
  if (h.m !== undefined) job.meta = h.m;
  return { job, errors: h.e ?? [] };
}

/** A FailedJobRecord from a failed-store message. */
export function toFailedRecord(hdrs: MsgHdrs | undefined, body: Uint8Array, fallbackId: string): FailedJobRecord {
  const read = readHeader(hdrs);
  if (!read.ok) {
    return {
      id: fallbackId, dedupe: false, name: '', data: undefined, priority: 0, runAt: 0, attempts: 1, backoff: { type: 'fixed', delay: 0 },
      timeout: 0, createdAt: 0, attemptsMade: 0, stalls: 0, reason: 'corrupt', errors: [], failedAt: 0,
    };
  }
  const { h } = read;
  const record: FailedJobRecord = {
    id: h.i, dedupe: h.d === 1, name: h.n, data: payloadOf(h, body), priority: h.p, runAt: h.r, attempts: h.a, backoff: h.b,
    timeout: h.t, createdAt: h.c, attemptsMade: h.am, stalls: h.st, reason: h.fr ?? 'error', errors: h.e ?? [], failedAt: h.fa ?? 0,
  };
  if (h.m !== undefined) record.meta = h.m;
  return record;
}
