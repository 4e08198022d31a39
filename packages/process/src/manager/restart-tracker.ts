import type { Backoff } from '../definition.js';

/** Decides restart delays (exponential backoff) and when a crash loop means 'errored'. */
export class RestartTracker {
  /** Consecutive failures, reset after a long enough run. */
  private streak = 0;
  private readonly recent: number[] = [];

  constructor(
    private readonly backoff: Required<Backoff>,
    private readonly maxRestarts: number,
    private readonly windowMs: number,
  ) {}

  /**
   * An instance exited after `uptimeMs`: the delay before restarting it, or undefined when it restarted
   * more than maxRestarts times within the window (give up: 'errored').
   */
  next(uptimeMs: number, now = Date.now()): number | undefined {
    if (uptimeMs >= this.backoff.resetAfterMs) this.streak = 0;
    while (this.recent.length > 0 && now - this.recent[0]! > this.windowMs) this.recent.shift();
    if (this.recent.length >= this.maxRestarts) return undefined;
    this.recent.push(now);
    this.streak += 1;
    const { initialMs, factor, maxMs } = this.backoff;
    return Math.min(maxMs, initialMs * factor ** (this.streak - 1));
  }

  /** Forget history (a manual start/restart). */
  reset(): void {
    this.streak = 0;
    this.recent.length = 0;
  }
}
