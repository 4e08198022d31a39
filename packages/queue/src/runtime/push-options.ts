import { currentContext } from '@ody/core';
import { toBackoffSpec } from '../contract/backoff.js';
import type { BackoffSpec, Encoded, NewJob, PushOptions } from '../contract/job.js';
import { QueueError } from '../errors.js';
import { newJobId } from './job-id.js';

const MAX_PRIORITY = 999_999;

function invalid(queue: string, message: string, details: Record<string, unknown>): QueueError {
  return new QueueError('ODY_QUEUE_OPTIONS_INVALID', `Queue '${queue}': ${message}`, { details: { queue, ...details } });
}

function checkBackoff(queue: string, spec: BackoffSpec): BackoffSpec {
  if (spec.type === 'custom') {
    if (typeof spec.name !== 'string' || spec.name === '') throw invalid(queue, 'custom backoff needs a name.', { backoff: spec });
    return spec;
  }
  if (spec.type !== 'fixed' && spec.type !== 'exponential') {
    throw invalid(queue, `backoff type must be fixed, exponential or custom, got ${String((spec as { type: unknown }).type)}.`, {
      backoff: spec,
    });
  }
  if (!Number.isFinite(spec.delay) || spec.delay < 0) throw invalid(queue, `backoff delayMs must be ≥ 0, got ${spec.delay}.`, { backoff: spec });
  if (spec.type === 'exponential' && spec.factor !== undefined && !(spec.factor >= 1)) {
    throw invalid(queue, `backoff factor must be ≥ 1, got ${spec.factor}.`, { backoff: spec });
  }
  return spec;
}

const DEFAULT_BACKOFF: BackoffSpec = { type: 'fixed', delay: 0 };
const NO_OPTIONS: PushOptions = Object.freeze({});

/** Validate push options and build the driver's NewJob. Throws ODY_QUEUE_OPTIONS_INVALID naming the bad value. */
export function buildJob(queue: string, name: string, data: Encoded, options: PushOptions | undefined, now: number): NewJob {
  if (typeof name !== 'string' || name === '') throw invalid(queue, 'job name must be a non-empty string.', { name });
  const o = options ?? NO_OPTIONS;
  const delay = o.delayMs ?? 0;
  const priority = o.priority ?? 0;
  const attempts = o.attempts ?? 1;
  const timeout = o.timeoutMs ?? 0;
  if (!Number.isFinite(delay) || delay < 0) throw invalid(queue, `delayMs must be ≥ 0, got ${delay}.`, { delayMs: delay });
  if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) {
    throw invalid(queue, `priority must be an integer in [-${MAX_PRIORITY}, ${MAX_PRIORITY}], got ${priority}.`, { priority });
  }
  if (!Number.isInteger(attempts) || attempts < 1) throw invalid(queue, `attempts must be an integer ≥ 1, got ${attempts}.`, { attempts });
  if (!Number.isFinite(timeout) || timeout < 0) throw invalid(queue, `timeoutMs must be ≥ 0, got ${timeout}.`, { timeoutMs: timeout });
  if (o.jobId !== undefined && (typeof o.jobId !== 'string' || o.jobId === '' || o.jobId.length > 512)) {
    throw invalid(queue, 'jobId must be a non-empty string of at most 512 characters.', { jobId: o.jobId });
  }
  const backoff = o.backoff === undefined ? DEFAULT_BACKOFF : checkBackoff(queue, toBackoffSpec(o.backoff));
  const ctx = currentContext();
  const job: NewJob = {
    id: o.jobId ?? newJobId(),
    dedupe: o.jobId !== undefined,
    name,
    data,
    priority,
    runAt: delay > 0 ? now + delay : now,
    attempts,
    backoff,
    timeout,
    createdAt: now,
  };
  if (ctx !== undefined) {
    job.meta = ctx.causationId === undefined
      ? { correlationId: ctx.correlationId }
      : { correlationId: ctx.correlationId, causationId: ctx.causationId };
  }
  return job;
}
