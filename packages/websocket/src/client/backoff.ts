/** Reconnect timing: exponential backoff with random jitter. */
export interface BackoffOptions {
  /** First delay. Default 250 ms. */
  initialDelayMs?: number;
  /** Cap. Default 10 s. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Fraction of the delay taken away at random (0..1), so clients do not reconnect in lockstep. Default 0.5. */
  jitter?: number;
}

/** Delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const { initialDelayMs = 250, maxDelayMs = 10_000, factor = 2, jitter = 0.5 } = options;
  const base = Math.min(maxDelayMs, initialDelayMs * factor ** attempt);
  return Math.round(base * (1 - jitter * random()));
}
