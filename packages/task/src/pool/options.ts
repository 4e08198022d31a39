import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits, TransferListItem } from 'node:worker_threads';
import { type Backoff, computeBackoffMs, type Logger } from '@ody/core';
import { TaskPoolError } from '../errors.js';
import type { RetryPolicy } from '../protocol.js';
import { abortedError } from './failures.js';

/** Options of createTaskPool. */
export interface TaskPoolOptions {
  /** Task modules (absolute paths or file URLs) loaded by every thread; each default-exports defineTasks(). */
  modules: readonly (string | URL)[];
  /** Threads kept alive even when idle; default 1. */
  minThreads?: number;
  /** Upper bound of threads; default available CPUs minus one (at least 1). */
  maxThreads?: number;
  /** A thread above minThreads idle this long is stopped; default 30 s. */
  idleTimeoutMs?: number;
  /** Tasks the queue may hold before run() rejects with TaskQueueFullError; default unbounded. */
  maxQueue?: number;
  /** Timeout applied to tasks that set none; default none. */
  defaultTimeoutMs?: number;
  /** Most tasks handed to one thread in one message; default 64 (smaller automatically for slow tasks). */
  maxBatch?: number;
  /** V8 heap limits per thread (exceeding them crashes the thread and fails its task). */
  resourceLimits?: ResourceLimits;
  /** Where crashes and replacements are logged. */
  logger?: Logger;
}

/** Options of one run. */
export interface RunOptions {
  /** Higher runs first; FIFO within a priority. Default 0. */
  priority?: number;
  /** Terminate the thread and reject with ODY_TASK_TIMEOUT after this long running (queue time excluded). */
  timeoutMs?: number;
  /** Abort: a queued task is dropped, a running one has its thread replaced. */
  signal?: AbortSignal;
  /** Objects moved (not copied) to the thread, e.g. ArrayBuffers in the payload. */
  transferList?: readonly TransferListItem[];
  /** Retry when the task fails; overrides `retryable()` in the module. */
  retry?: RetryPolicy | false;
}

/** Options after defaults, as the pool uses them. */
export interface ResolvedPoolOptions {
  modules: string[];
  minThreads: number;
  maxThreads: number;
  idleTimeoutMs: number;
  maxQueue: number;
  defaultTimeoutMs: number;
  maxBatch: number;
  resourceLimits?: ResourceLimits;
  logger?: Logger;
}

function invalid(message: string, details: Record<string, unknown>): TaskPoolError {
  return new TaskPoolError('ODY_TASK_INVALID_OPTIONS', message, { details });
}

function modulePath(m: string | URL): string {
  if (m instanceof URL) return fileURLToPath(m);
  if (m.startsWith('file:')) return fileURLToPath(m);
  if (!isAbsolute(m)) throw invalid(`Task module '${m}' must be an absolute path or a file URL (use new URL('./tasks.js', import.meta.url)).`, { module: m });
  return m;
}

/** Validate and fill in pool options. */
export function resolvePoolOptions(o: TaskPoolOptions): ResolvedPoolOptions {
  if (!Array.isArray(o.modules) || o.modules.length === 0) throw invalid('createTaskPool needs at least one task module in `modules`.', {});
  const maxThreads = o.maxThreads ?? Math.max(1, availableParallelism() - 1);
  const minThreads = o.minThreads ?? Math.min(1, maxThreads);
  if (!Number.isInteger(maxThreads) || maxThreads < 1) throw invalid(`maxThreads must be an integer ≥ 1 (got ${maxThreads}).`, { maxThreads });
  if (!Number.isInteger(minThreads) || minThreads < 0 || minThreads > maxThreads) {
    throw invalid(`minThreads must be an integer between 0 and maxThreads ${maxThreads} (got ${minThreads}).`, { minThreads, maxThreads });
  }
  const maxQueue = o.maxQueue ?? Number.POSITIVE_INFINITY;
  if (!(maxQueue >= 0)) throw invalid(`maxQueue must be ≥ 0 (got ${maxQueue}).`, { maxQueue });
  const maxBatch = o.maxBatch ?? 64;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw invalid(`maxBatch must be an integer ≥ 1 (got ${maxBatch}).`, { maxBatch });
  const defaultTimeoutMs = o.defaultTimeoutMs ?? 0;
  if (!(defaultTimeoutMs >= 0)) throw invalid(`defaultTimeoutMs must be ≥ 0 (got ${defaultTimeoutMs}).`, { defaultTimeoutMs });
  return {
    modules: o.modules.map(modulePath),
    minThreads,
    maxThreads,
    idleTimeoutMs: o.idleTimeoutMs ?? 30_000,
    maxQueue,
    defaultTimeoutMs,
    maxBatch,
    resourceLimits: o.resourceLimits,
    logger: o.logger,
  };
}

const DEFAULT_RETRY_BACKOFF: Backoff = { type: 'exponential', delayMs: 100, factor: 2, maxDelayMs: 10_000 };

/** Delay before retry number `attempt` (1-based) under `policy`. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return computeBackoffMs(policy.backoff ?? DEFAULT_RETRY_BACKOFF, attempt);
}

/** Run options after defaults. */
export interface ParsedRunOptions {
  priority: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  transferList: readonly TransferListItem[] | undefined;
  retry: RetryPolicy | undefined;
}

/** Validate one run's options; returns the error to reject with instead of throwing. */
export function parseRunOptions(name: string, o: RunOptions, defaultTimeoutMs: number): ParsedRunOptions | Error {
  const priority = o.priority ?? 0;
  const timeoutMs = o.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isFinite(priority) || !(timeoutMs >= 0)) {
    return new TaskPoolError('ODY_TASK_INVALID_OPTIONS', `Task '${name}': priority must be a finite number and timeoutMs ≥ 0.`, {
      details: { task: name, priority, timeoutMs },
    });
  }
  if (o.signal?.aborted) return abortedError(name, o.signal.reason);
  const retry = o.retry === false ? { attempts: 1 } : o.retry;
  return { priority, timeoutMs, signal: o.signal, transferList: o.transferList, retry };
}
