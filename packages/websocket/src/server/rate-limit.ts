/** A token bucket: at most `limit` messages, refilled continuously at `limit` per `windowMs`. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.tokens = limit;
  }

  /** Take one token; false when the bucket is empty. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.limit, this.tokens + ((now - this.last) * this.limit) / this.windowMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
