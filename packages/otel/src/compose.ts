import type { ClaimedJob, NewJob, PushResult, QueueInstrumentation } from '@ody/queue';

/** One queue instrumentation running `outer` around `inner` (metrics around tracing). */
export function composeQueueInstrumentation(outer: QueueInstrumentation, inner: QueueInstrumentation): Required<QueueInstrumentation> {
  return {
    push(queue: string, driver: string, jobs: NewJob[], send: () => Promise<PushResult[]>) {
      const next = inner.push === undefined ? send : () => inner.push!(queue, driver, jobs, send);
      return outer.push === undefined ? next() : outer.push(queue, driver, jobs, next);
    },
    run(queue: string, driver: string, job: ClaimedJob, run: () => unknown) {
      const next = inner.run === undefined ? run : () => inner.run!(queue, driver, job, run);
      return outer.run === undefined ? next() : outer.run(queue, driver, job, next);
    },
  };
}

/** Same key as @ody/queue's QUEUE_INSTRUMENTATION (Symbol.for), so this package needs no runtime import of it. */
const SLOT = Symbol.for('@ody/queue/instrumentation');

/** Put `instrumentation` in @ody/queue's process-wide slot; returns a function that restores the previous one. */
export function installQueueInstrumentation(instrumentation: QueueInstrumentation): () => void {
  const slot = globalThis as { [SLOT]?: QueueInstrumentation };
  const previous = slot[SLOT];
  slot[SLOT] = instrumentation;
  return () => {
    if (slot[SLOT] !== instrumentation) return;
    if (previous === undefined) delete slot[SLOT];
    else slot[SLOT] = previous;
  };
}
