import type { HttpContext } from '../context/context.js';
import { TooManyRequestsError } from '../errors.js';
import type { Middleware } from '../types.js';

/** Result of taking one token. */
export interface TakeResult {
  allowed: boolean;
  /** Tokens left after this request. */
  remaining: number;
  /** When not allowed: how long until a token is available. */
  retryAfterMs: number;
}

/**
 * Where buckets live: in memory by default; implement this for Redis or another shared store.
 * `take` spends one token of `key`'s bucket, which holds at most `limit` tokens and refills at `limit`
 * per `windowMs` (continuously); `now` is in milliseconds.
 */
export interface RateLimitStore {
  take(key: string, limit: number, windowMs: number, now: number): TakeResult | Promise<TakeResult>;
}

/** In-memory token buckets; idle full buckets are dropped, and at most `maxKeys` are kept. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly maxKeys = 100_000) {}

  take(key: string, limit: number, windowMs: number, now: number): TakeResult {
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evict(limit, windowMs, now);
      b = { tokens: limit, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(limit, b.tokens + ((now - b.at) * limit) / windowMs);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil(((1 - b.tokens) * windowMs) / limit) };
  }

  /** Number of tracked clients. */
  get size(): number {
    return this.buckets.size;
  }

  private evict(limit: number, windowMs: number, now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) * limit) / windowMs >= limit) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}

/**
 * Options of rateLimit(): a token bucket per client holding at most `limit` tokens (the burst), refilled
 * at `limit` per `windowMs` (express-rate-limit's names; the same shape as @ody/websocket's `rateLimit`).
 */
export interface RateLimitOptions {
  /** Requests per window, and the bucket size: the burst a client may send. */
  limit: number;
  /** Window in milliseconds over which `limit` tokens are refilled (continuously). */
  windowMs: number;
  /** Client key; default ctx.ip. */
  key?: (ctx: HttpContext) => string;
  /** Where buckets live; default a MemoryRateLimitStore of this middleware. */
  store?: RateLimitStore;
  /** Clock (tests). */
  now?: () => number;
}

/** Token-bucket rate limiting per client; over the limit → 429 with Retry-After. */
export function rateLimit(options: RateLimitOptions): Middleware {
  const store = options.store ?? new MemoryRateLimitStore();
  const key = options.key ?? ((ctx: HttpContext) => ctx.ip);
  const now = options.now ?? Date.now;
  const { limit, windowMs } = options;
  const limitHeader = String(limit);
  return async (ctx, next) => {
    const r = await store.take(key(ctx), limit, windowMs, now());
    ctx.header('ratelimit-limit', limitHeader);
    ctx.header('ratelimit-remaining', String(r.remaining));
    if (!r.allowed) throw new TooManyRequestsError(Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
    return next();
  };
}
