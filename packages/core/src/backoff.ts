/**
 * How long to wait between attempts (retries, restarts, reconnects): one shape for every package.
 * @example
 * const backoff: Backoff = { type: 'exponential', delayMs: 200, maxDelayMs: 30_000, jitter: 0.2 };
 */
export interface Backoff {
  /** `fixed`: always `delayMs`; `exponential`: `delayMs · factor^(attempt−1)`, capped by `maxDelayMs`. */
  readonly type: 'fixed' | 'exponential';
  /** Delay before the first retry (fixed: before every retry). */
  readonly delayMs: number;
  /** Growth per attempt (exponential only). Default 2. */
  readonly factor?: number;
  /** Upper bound of a delay. Default: none. */
  readonly maxDelayMs?: number;
  /** Fraction (0..1) of the delay taken away at random so many clients spread out. Default 0. */
  readonly jitter?: number;
}

/**
 * Milliseconds to wait before retry number `attempt` (1 = the first retry). A plain number is a fixed
 * delay. The result is a whole number in `[d·(1−jitter), d]` where `d` is the capped delay.
 * @example
 * computeBackoffMs({ type: 'exponential', delayMs: 100 }, 3); // 400
 */
export function computeBackoffMs(backoff: Backoff | number, attempt: number, random: () => number = Math.random): number {
  const spec: Backoff = typeof backoff === 'number' ? { type: 'fixed', delayMs: backoff } : backoff;
  const n = Math.max(1, Math.floor(attempt));
  const raw = spec.type === 'exponential' ? spec.delayMs * (spec.factor ?? 2) ** (n - 1) : spec.delayMs;
  const capped = Math.min(raw, spec.maxDelayMs ?? Number.POSITIVE_INFINITY);
  const jitter = Math.min(1, Math.max(0, spec.jitter ?? 0));
  const value = capped * (1 - jitter * random());
  return Number.isFinite(value) ? Math.max(0, Math.round(value)) : Math.max(0, Math.round(capped));
}
