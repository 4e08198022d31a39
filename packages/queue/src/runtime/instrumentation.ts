import type { ClaimedJob, NewJob, PushResult } from '../contract/job.js';

/**
 * Hooks an observer (tracing, metrics: `@ody/otel`) installs to see every push and every job run, on
 * every driver. Process-wide, like OpenTelemetry's own global provider; nothing is called while none
 * is installed (one property read per push or job).
 */
export interface QueueInstrumentation {
  /**
   * Wraps one push (or pushBulk) after the jobs are built and before the driver stores them. It may add
   * string entries to each job's `meta` (e.g. W3C `traceparent`): every driver stores `meta` with the
   * job and hands it back on claim. It must call `send` once and return (or await) its result.
   */
  push?(queue: string, driver: string, jobs: NewJob[], send: () => Promise<PushResult[]>): Promise<PushResult[]>;
  /**
   * Wraps one attempt of a handler. `run` returns the handler's value or promise; return it (after
   * observing it). `job.meta` holds what `push` added.
   */
  run?(queue: string, driver: string, job: ClaimedJob, run: () => unknown): unknown;
}

/** The slot, shared by ESM and CJS copies of this package (and readable without importing it). */
export const QUEUE_INSTRUMENTATION: unique symbol = Symbol.for('@ody/queue/instrumentation');

type Slot = { [QUEUE_INSTRUMENTATION]?: QueueInstrumentation };

/**
 * Install (or with `undefined`, remove) the process-wide queue instrumentation; returns the previous one.
 * @example
 * const previous = setQueueInstrumentation({ run: (queue, _driver, job, run) => { console.log(queue, job.id); return run(); } });
 */
export function setQueueInstrumentation(instrumentation: QueueInstrumentation | undefined): QueueInstrumentation | undefined {
  const slot = globalThis as Slot;
  const previous = slot[QUEUE_INSTRUMENTATION];
  if (instrumentation === undefined) delete slot[QUEUE_INSTRUMENTATION];
  else slot[QUEUE_INSTRUMENTATION] = instrumentation;
  return previous;
}

/** The installed queue instrumentation, if any. */
export function queueInstrumentation(): QueueInstrumentation | undefined {
  return (globalThis as Slot)[QUEUE_INSTRUMENTATION];
}
