import type { BackoffSpec, ClaimedJob, Encoded, FailedJobRecord, FailReason, JobError, NewJob } from '@ody/queue';
import type { AsyncMessage, Envelope } from 'rabbitmq-client';

/** Header that carries the job's state (one JSON string, so every client can read and copy it). */
export const STATE_HEADER = 'x-ody';

/** Job state stored in the STATE_HEADER of a message; the payload is the body, id and name are properties. */
export interface JobState {
  attempts: number;
  attemptsMade: number;
  stalls: number;
  backoff: BackoffSpec;
  timeout: number;
  createdAt: number;
  priority: number;
  runAt: number;
  dedupe: boolean;
  meta?: Record<string, string>;
  errors: JobError[];
  /** Set on records in the failed store. */
  reason?: FailReason;
  failedAt?: number;
}

/** A job read back from a message: what the driver needs to hand it out, retry, fail or redeliver it. */
export interface StoredJob {
  id: string;
  name: string;
  data: Encoded | undefined;
  state: JobState;
  /** Set when the message is not one the driver wrote (no id or unreadable state). */
  corrupt?: string;
}

/** State of a freshly pushed job. */
export function newState(job: NewJob): JobState {
  const state: JobState = {
    attempts: job.attempts,
    attemptsMade: 0,
    stalls: 0,
    backoff: job.backoff,
    timeout: job.timeout,
    createdAt: job.createdAt,
    priority: job.priority,
    runAt: job.runAt,
    dedupe: job.dedupe,
    errors: [],
  };
  if (job.meta !== undefined) state.meta = job.meta;
  return state;
}

/** Message envelope of a job (routing given by the caller). */
export function properties(
  id: string, name: string, data: Encoded | undefined, state: JobState, amqpPriority: number, exchange = '', routingKey = '',
): Envelope {
  return {
    exchange,
    routingKey,
    messageId: id,
    type: name,
    durable: true,
    priority: amqpPriority,
    contentType: typeof data === 'string' ? 'text/plain' : 'application/octet-stream',
    // When the job is (or was) due, in seconds: the queue's head_message_timestamp (see oldestWaitingAt).
    timestamp: Math.floor(state.runAt / 1000),
    headers: { [STATE_HEADER]: JSON.stringify(state) },
  };
}

/** Body of a job message (a Buffer view of the bytes, or the text). */
export function body(data: Encoded | undefined): string | Buffer {
  if (data === undefined) return Buffer.alloc(0);
  return typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function deadLetterReason(msg: Pick<AsyncMessage, 'headers'>): string | undefined {
  const death = msg.headers?.['x-death'] as Array<Record<string, unknown>> | undefined;
  const first = death?.[0];
  return first === undefined ? undefined : `RabbitMQ dead-lettered the message from queue '${String(first.queue)}' (${String(first.reason)})`;
}

const NUMBERS = ['attempts', 'attemptsMade', 'stalls', 'timeout', 'createdAt', 'priority', 'runAt'] as const;

/** The header parsed to a state of the right shape (JSON `null`, `42` or `{}` would crash the consumer). */
function isJobState(v: unknown): v is JobState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return NUMBERS.every((k) => typeof s[k] === 'number') && Array.isArray(s.errors) && typeof s.backoff === 'object' && s.backoff !== null;
}

/** Read a job from a message. Never throws: a message the driver did not write comes back `corrupt`. */
export function readJob(msg: Pick<AsyncMessage, 'messageId' | 'type' | 'headers' | 'body' | 'priority'>): StoredJob {
  const data: Encoded | undefined = typeof msg.body === 'string' || Buffer.isBuffer(msg.body) ? msg.body : msg.body === undefined ? undefined : JSON.stringify(msg.body);
  const id = msg.messageId ?? `amqp-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const name = msg.type ?? 'unknown';
  const raw = msg.headers?.[STATE_HEADER];
  if (typeof raw === 'string') {
    try {
      const state: unknown = JSON.parse(raw);
      if (isJobState(state)) return { id, name, data, state };
    } catch {
      // falls through to the corrupt record below
    }
  }
  const now = Date.now();
  const state: JobState = {
    attempts: 1, attemptsMade: 0, stalls: 0, backoff: { type: 'fixed', delay: 0 }, timeout: 0, createdAt: now,
    priority: 0, runAt: now, dedupe: false, errors: [],
  };
  return { id, name, data, state, corrupt: deadLetterReason(msg) ?? `message ${id} has no readable '${STATE_HEADER}' header (not pushed by an Ody queue)` };
}

/** The ClaimedJob a worker gets for a stored job under `lease`. */
export function toClaimed(job: StoredJob, lease: string): ClaimedJob {
  const s = job.state;
  const claimed: ClaimedJob = {
    id: job.id, name: job.name, data: job.data, priority: s.priority, runAt: s.runAt, attempts: s.attempts,
    backoff: s.backoff, timeout: s.timeout, createdAt: s.createdAt, attemptsMade: s.attemptsMade, stalls: s.stalls,
    lease, dedupe: s.dedupe,
  };
  if (s.meta !== undefined) claimed.meta = s.meta;
  if (job.corrupt !== undefined) claimed.corrupt = job.corrupt;
  return claimed;
}

/** The failed-store record of a stored job (a message of the failed queue). */
export function toFailedRecord(job: StoredJob): FailedJobRecord {
  const { lease: _lease, corrupt, ...rest } = toClaimed(job, '');
  const errors = job.state.errors.length > 0 || corrupt === undefined
    ? job.state.errors
    : [{ attempt: 1, name: 'QueueError', message: corrupt, code: 'ODY_QUEUE_JOB_CORRUPT', at: Date.now() }];
  return { ...rest, reason: job.state.reason ?? (corrupt === undefined ? 'error' : 'corrupt'), errors, failedAt: job.state.failedAt ?? 0 };
}
