/**
 * Hooks an observer (`@ody/otel`) installs to carry context with each task into its thread: on the pool
 * side `headers` returns a small string map (W3C `traceparent`, correlation id…) sent with the task; in
 * the thread `run` wraps the task's handler to restore that context. Process- (and thread-) wide, like
 * OpenTelemetry's global provider; nothing is called while none is installed (one property read per
 * run), and a task without headers is dispatched exactly as before.
 */
export interface TaskInstrumentation {
  /** Pool side, called synchronously by `run()` in the caller's context; undefined sends nothing. */
  headers?(name: string): Record<string, string> | undefined;
  /** Thread side: run one task (its `run` returns the handler's value or promise) under `headers`. */
  run?(name: string, headers: Record<string, string>, run: () => unknown): unknown;
}

/** The slot, shared by ESM and CJS copies of this package (and readable without importing it). */
export const TASK_INSTRUMENTATION: unique symbol = Symbol.for('@ody/task/instrumentation');

type Slot = { [TASK_INSTRUMENTATION]?: TaskInstrumentation };

/**
 * Install (or with `undefined`, remove) the task instrumentation of this process or thread; returns the
 * previous one.
 * @example
 * setTaskInstrumentation({ headers: () => ({ tenant: currentTenant() }), run: (_name, h, run) => withTenant(h.tenant, run) });
 */
export function setTaskInstrumentation(instrumentation: TaskInstrumentation | undefined): TaskInstrumentation | undefined {
  const slot = globalThis as Slot;
  const previous = slot[TASK_INSTRUMENTATION];
  if (instrumentation === undefined) delete slot[TASK_INSTRUMENTATION];
  else slot[TASK_INSTRUMENTATION] = instrumentation;
  return previous;
}

/** The installed task instrumentation, if any. */
export function taskInstrumentation(): TaskInstrumentation | undefined {
  return (globalThis as Slot)[TASK_INSTRUMENTATION];
}
