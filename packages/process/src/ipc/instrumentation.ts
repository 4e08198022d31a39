/**
 * Hooks an observer (`@ody/otel`) installs to carry context with each IPC request between a manager and
 * its children (both directions): the sending side's `headers` returns a small string map (W3C
 * `traceparent`, correlation id…) sent with the request; the answering side's `handle` wraps the request
 * handler to restore it. Process-wide; nothing is called while none is installed (one property read
 * per request), and a request without headers is sent exactly as before.
 */
export interface ProcessInstrumentation {
  /** Sending side, called synchronously by `request()` in the caller's context; undefined sends nothing. */
  headers?(): Record<string, string> | undefined;
  /** Answering side: run the request handler (`handle` returns its value or promise) under `headers`. */
  handle?(headers: Record<string, string>, handle: () => unknown): unknown;
}

/** The slot, shared by ESM and CJS copies of this package (and readable without importing it). */
export const PROCESS_INSTRUMENTATION: unique symbol = Symbol.for('@ody/process/instrumentation');

type Slot = { [PROCESS_INSTRUMENTATION]?: ProcessInstrumentation };

/**
 * Install (or with `undefined`, remove) this process's IPC instrumentation; returns the previous one.
 * @example
 * setProcessInstrumentation({ headers: () => ({ tenant: currentTenant() }), handle: (h, run) => withTenant(h.tenant, run) });
 */
export function setProcessInstrumentation(instrumentation: ProcessInstrumentation | undefined): ProcessInstrumentation | undefined {
  const slot = globalThis as Slot;
  const previous = slot[PROCESS_INSTRUMENTATION];
  if (instrumentation === undefined) delete slot[PROCESS_INSTRUMENTATION];
  else slot[PROCESS_INSTRUMENTATION] = instrumentation;
  return previous;
}

/** The installed IPC instrumentation, if any. */
export function processInstrumentation(): ProcessInstrumentation | undefined {
  return (globalThis as Slot)[PROCESS_INSTRUMENTATION];
}
