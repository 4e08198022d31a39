import type { TaskPool } from '@ody/task';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { activeTracer, recordError } from './tracer.js';

/**
 * Wrap a task pool so each `run` (and each call of `runAll`) is a span `task <name>` in the calling
 * thread (child of the active span), covering the wait for a thread and the run, with `ody.task.name`;
 * a task that throws marks it as an error. The thread itself is not traced (spans made inside a task
 * do not join the trace). `later` is passed through. Without an SDK, calls go straight through.
 * @example
 * const tasks = traceTaskPool(app.get(TaskPool));
 */
export function traceTaskPool<P extends TaskPool>(inner: P): P {
  const run: TaskPool['run'] = (name, payload, options) => {
    const tracer = activeTracer();
    if (tracer === undefined) return inner.run(name, payload, options);
    const span = tracer.startSpan(`task ${name}`, { kind: SpanKind.INTERNAL, attributes: { 'ody.task.name': name } });
    let pending: Promise<unknown>;
    try {
      pending = context.with(trace.setSpan(context.active(), span), () => inner.run(name, payload, options));
    } catch (error) {
      recordError(span, error);
      span.end();
      throw error;
    }
    return pending.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        recordError(span, error);
        span.end();
        throw error;
      },
    ) as ReturnType<TaskPool['run']>;
  };
  const wrapped: TaskPool = {
    run,
    runAll: (calls) => Promise.allSettled(calls.map((c) => run(c.name, c.payload, c.options))),
    later: (delayMs, name, payload, options) => inner.later(delayMs, name, payload, options),
    stats: () => inner.stats(),
    threadIds: () => inner.threadIds(),
    close: (options) => inner.close(options),
  };
  return wrapped as P;
}
