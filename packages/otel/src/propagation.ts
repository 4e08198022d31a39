import { currentContext, runInContext } from '@ody/core';
import type { ProcessInstrumentation } from '@ody/process';
import type { TaskInstrumentation } from '@ody/task';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { recordGetter } from './tracer.js';

const setter = {
  set(carrier: Record<string, string>, key: string, value: string) {
    carrier[key] = value;
  },
};

/** Header keys of Ody's correlation context (the same keys a queued job's `meta` uses). */
const CORRELATION = 'correlationId';
const CAUSATION = 'causationId';

/**
 * The current context as a small string map to send across a thread or process boundary: the W3C
 * trace context of the active span (`traceparent`, `tracestate`, baggage — whatever the registered
 * propagator writes) and Ody's correlation and causation ids. Undefined when there is nothing to carry.
 */
export function contextHeaders(): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers, setter);
  const ody = currentContext();
  if (ody !== undefined) {
    headers[CORRELATION] = ody.correlationId;
    if (ody.causationId !== undefined) headers[CAUSATION] = ody.causationId;
  }
  for (const _ in headers) return headers;
  return undefined;
}

/**
 * Run `fn` under the context `headers` carry (see contextHeaders): spans it starts are children of the
 * sender's span, and `currentContext()` has the sender's correlation and causation ids.
 */
export function runWithContextHeaders<R>(headers: Readonly<Record<string, string>>, fn: () => R): R {
  const parent = propagation.extract(ROOT_CONTEXT, headers, recordGetter);
  const correlationId = headers[CORRELATION];
  if (correlationId === undefined) return context.with(parent, fn);
  const causationId = headers[CAUSATION];
  return context.with(parent, () => runInContext(causationId === undefined ? { correlationId } : { correlationId, causationId }, fn));
}

/** Task instrumentation that carries the trace and correlation context into the pool's threads. */
export function taskPropagation(): Required<TaskInstrumentation> {
  return { headers: () => contextHeaders(), run: (_name, headers, run) => runWithContextHeaders(headers, run) };
}

/** IPC instrumentation that carries the trace and correlation context with each request, both ways. */
export function processPropagation(): Required<ProcessInstrumentation> {
  return { headers: () => contextHeaders(), handle: (headers, handle) => runWithContextHeaders(headers, handle) };
}

/** Same keys as @ody/task's TASK_INSTRUMENTATION and @ody/process's PROCESS_INSTRUMENTATION (Symbol.for). */
const TASK_SLOT = Symbol.for('@ody/task/instrumentation');
const PROCESS_SLOT = Symbol.for('@ody/process/instrumentation');

function install(slotKey: symbol, value: object): () => void {
  const slot = globalThis as Record<symbol, unknown>;
  const previous = slot[slotKey];
  slot[slotKey] = value;
  return () => {
    if (slot[slotKey] !== value) return;
    if (previous === undefined) delete slot[slotKey];
    else slot[slotKey] = previous;
  };
}

/**
 * Carry the trace and correlation context across @ody/task's thread boundary. Call it on both sides:
 * otelPlugin does it in the application's thread; in a task module, call it (after registering an
 * OpenTelemetry SDK in that thread) so spans a task starts are children of the caller's `task <name>`
 * span. Returns a function that removes it.
 * @example
 * // tasks.ts, loaded by the pool in each thread
 * new NodeTracerProvider({ spanProcessors: [...] }).register();
 * installTaskPropagation();
 * export default defineTasks({ resize: (p) => tracer.startActiveSpan('resize', (s) => { ...; s.end(); }) });
 */
export function installTaskPropagation(): () => void {
  return install(TASK_SLOT, taskPropagation());
}

/**
 * Carry the trace and correlation context with @ody/process IPC requests (manager → child and child →
 * manager). otelPlugin does it in the manager; call it in a child (after registering an SDK there) so
 * the spans its request handler starts are children of the manager's `process.request` span.
 * Returns a function that removes it.
 */
export function installProcessPropagation(): () => void {
  return install(PROCESS_SLOT, processPropagation());
}
