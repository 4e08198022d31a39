import { describe, expect, it } from 'vitest';
import { backoffDelay, toBackoffSpec } from './backoff.js';

const err = { attempt: 1, name: 'Error', message: 'x', at: 0 };

describe('backoffDelay', () => {
  it('fixed returns the delay', () => {
    expect(backoffDelay({ type: 'fixed', delay: 250 }, 3, err)).toBe(250);
  });
  it('exponential grows by factor (2) per attempt, caps at maxDelay and takes up to jitter away', () => {
    const spec = { type: 'exponential' as const, delay: 100, jitter: 0 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(spec, n, err))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay({ ...spec, maxDelay: 300 }, 4, err)).toBe(300);
    const jittered = { type: 'exponential' as const, delay: 1000, jitter: 0.5 };
    expect(backoffDelay(jittered, 1, err, {}, () => 0)).toBe(1000);
    expect(backoffDelay(jittered, 1, err, {}, () => 1)).toBe(500);
    expect(backoffDelay({ type: 'exponential', delay: 100, factor: 3 }, 3, err)).toBe(900);
  });
  it('custom calls the named strategy and throws a typed error for an unknown one', () => {
    expect(backoffDelay({ type: 'custom', name: 'x' }, 2, err, { x: (n) => n * 7 })).toBe(14);
    expect(() => backoffDelay({ type: 'custom', name: 'y' }, 2, err, {})).toThrow(expect.objectContaining({ code: 'ODY_QUEUE_OPTIONS_INVALID' }));
  });
  it("push options take core's Backoff and store the driver form", () => {
    expect(toBackoffSpec(250)).toEqual({ type: 'fixed', delay: 250 });
    expect(toBackoffSpec({ type: 'exponential', delayMs: 100, factor: 3, maxDelayMs: 900, jitter: 0.1 })).toEqual({
      type: 'exponential',
      delay: 100,
      factor: 3,
      maxDelay: 900,
      jitter: 0.1,
    });
  });
});
