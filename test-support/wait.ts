// One bounded wait for every test: poll a condition instead of sleeping, fail with what was awaited.

/** Options of until(). */
export interface UntilOptions {
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /** Pause between checks. Default 10 ms. */
  intervalMs?: number;
}

/**
 * Resolve once `check()` returns (or resolves to) a truthy value; reject after `timeoutMs` naming `what`
 * and the last error `check` threw. Returns the truthy value.
 * @example
 * await until('the worker is ready', () => worker.ready);
 * const port = await until('the server listens', () => server.port, { timeoutMs: 5_000 });
 */
export async function until<T>(what: string, check: () => T | Promise<T>, options: UntilOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const suffix = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${suffix}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
