import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, minus random jitter', () => {
    const none = () => 0;
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { initialDelayMs: 100 }, none))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(20, { initialDelayMs: 100, maxDelayMs: 5000 }, none)).toBe(5000);
    expect(backoffDelay(2, { initialDelayMs: 100, jitter: 0.5 }, () => 1)).toBe(200);
  });
});
