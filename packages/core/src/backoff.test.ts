import { describe, expect, it } from 'vitest';
import { type Backoff, computeBackoffMs } from './backoff.js';

describe('computeBackoffMs', () => {
  it('fixed: the same delay for every attempt; a number is a fixed delay', () => {
    const fixed: Backoff = { type: 'fixed', delayMs: 250 };
    expect([1, 2, 5].map((n) => computeBackoffMs(fixed, n))).toEqual([250, 250, 250]);
    expect(computeBackoffMs(300, 4)).toBe(300);
  });

  it('exponential: delayMs · factor^(attempt−1), capped by maxDelayMs', () => {
    const exp: Backoff = { type: 'exponential', delayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => computeBackoffMs(exp, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(computeBackoffMs({ type: 'exponential', delayMs: 10, factor: 3 }, 3)).toBe(90);
  });

  it('jitter takes up to that fraction away, never above the cap', () => {
    const exp: Backoff = { type: 'exponential', delayMs: 1000, jitter: 0.5, maxDelayMs: 1000 };
    expect(computeBackoffMs(exp, 1, () => 0)).toBe(1000);
    expect(computeBackoffMs(exp, 1, () => 0.999999)).toBe(500);
    expect(computeBackoffMs(exp, 3, () => 0.5)).toBe(750);
  });

  it('attempt below 1 counts as the first; huge attempts stay at the cap', () => {
    expect(computeBackoffMs({ type: 'exponential', delayMs: 100 }, 0)).toBe(100);
    expect(computeBackoffMs({ type: 'exponential', delayMs: 100, maxDelayMs: 5000 }, 5000)).toBe(5000);
  });
});
