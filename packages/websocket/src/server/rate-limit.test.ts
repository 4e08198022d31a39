import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from './rate-limit.js';

describe('TokenBucket({ limit, windowMs })', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('allows a burst of `limit`, then refills `limit` per `windowMs`, never above `limit`', () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const bucket = new TokenBucket(4, 1000); // 4 per second: one token every 250 ms
    for (let i = 0; i < 4; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now = 240;
    expect(bucket.take()).toBe(false);
    now = 260;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now = 60_000; // a long pause fills the bucket to `limit`, not more
    for (let i = 0; i < 4; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });
});
