import type { Backoff } from '@ody/core';

/**
 * Wire format between the pool and its threads (internal).
 * pool → thread: a flat array [id, name, payload, headers, id, name, payload, headers, …] (one postMessage
 * per batch; headers is undefined unless a TaskInstrumentation added some).
 * thread → pool: a flat array [id, status, value, durationMs, …], or a control object (ready / start failure).
 */

/** Fields per task in a dispatch batch. */
export const DISPATCH_STRIDE = 4;
/** Fields per task in a result batch. */
export const RESULT_STRIDE = 4;
/** Result status: the task returned `value`. */
export const STATUS_OK = 0;
/** Result status: the task threw; `value` is a SerializedError. */
export const STATUS_ERROR = 1;

/** Retry policy of a task: how many attempts in all, and the backoff between them. */
export interface RetryPolicy {
  /** Total attempts including the first; default 3. */
  attempts?: number;
  /** Delay between attempts (core's Backoff, or ms for a fixed delay); default exponential 100 ms × 2, at most 10 s. */
  backoff?: Backoff | number;
}

/** What a thread sends once its modules are loaded. */
export interface ReadyMessage {
  t: 'ready';
  /** Task names, each with its retry policy (null when not retryable). */
  tasks: Record<string, RetryPolicy | null>;
}

/** What a thread sends when its modules failed to load. */
export interface StartFailedMessage {
  t: 'start-failed';
  error: SerializedError;
}

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  details?: unknown;
}

/** workerData handed to every thread. */
export interface ThreadData {
  odyTask: {
    modules: string[];
    /** Int32Array over a SharedArrayBuffer: id of the task the thread is running right now. */
    current: Int32Array;
  };
}

/** Turn anything thrown into a cloneable SerializedError. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown; details?: unknown };
    const out: SerializedError = { name: e.name, message: e.message, stack: e.stack };
    if (e.code !== undefined) out.code = cloneable(e.code);
    if (e.details !== undefined) out.details = cloneable(e.details);
    return out;
  }
  return { name: 'Error', message: `Non-error thrown: ${String(error)}` };
}

function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}
