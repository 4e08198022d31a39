import type { BackoffSpec, Encoded, NewJob } from '../../contract/job.js';
import { QueueError } from '../../errors.js';

/** The immutable part of a job, stored as a JSON header line followed by the payload bytes. */
export interface RecordHeader {
  id: string;
  dedupe: boolean;
  name: string;
  attempts: number;
  backoff: BackoffSpec;
  timeout: number;
  createdAt: number;
  runAt: number;
  /** Payload was a string (decode back to a string) rather than bytes. */
  text: boolean;
  meta?: Record<string, string>;
}

/** Encode one job as header line + payload. */
export function encodeRecord(job: NewJob): Buffer {
  const header: RecordHeader = {
    id: job.id,
    dedupe: job.dedupe,
    name: job.name,
    attempts: job.attempts,
    backoff: job.backoff,
    timeout: job.timeout,
    createdAt: job.createdAt,
    runAt: job.runAt,
    text: typeof job.data === 'string',
  };
  if (job.meta !== undefined) header.meta = job.meta;
  const head = JSON.stringify(header);
  if (typeof job.data === 'string') return Buffer.from(`${head}\n${job.data}`);
  return Buffer.concat([Buffer.from(`${head}\n`), job.data]);
}

/** Decode a record; throws ODY_QUEUE_JOB_CORRUPT with a reason when it is truncated or corrupt. */
export function decodeRecord(buf: Buffer, expectedLength: number): { header: RecordHeader; data: Encoded } {
  if (buf.length < expectedLength) throw corrupt(`record truncated: ${buf.length} of ${expectedLength} bytes`);
  const nl = buf.indexOf(10);
  if (nl < 0) throw corrupt('record corrupt: no header line');
  let header: RecordHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 0, nl)) as RecordHeader;
  } catch {
    throw corrupt('record corrupt: header is not JSON');
  }
  if (typeof header.id !== 'string' || typeof header.name !== 'string') throw corrupt('record corrupt: header lacks id/name');
  const body = buf.subarray(nl + 1);
  return { header, data: header.text ? body.toString('utf8') : new Uint8Array(body) };
}

/** The error of an unreadable record (loadJob turns its message into the job's `corrupt` reason). */
export function corrupt(reason: string): QueueError {
  return new QueueError('ODY_QUEUE_JOB_CORRUPT', reason);
}
