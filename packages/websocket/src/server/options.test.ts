import { describe, expect, it } from 'vitest';
import { defaultLimits, idleTimeoutToSeconds } from './options.js';

describe('idleTimeoutMs → uWS idleTimeout (whole seconds, 0 or at least 8)', () => {
  it('keeps 0 (disabled), rounds up to whole seconds and raises to 8', () => {
    expect(idleTimeoutToSeconds(0)).toBe(0);
    expect(idleTimeoutToSeconds(1)).toBe(8);
    expect(idleTimeoutToSeconds(7999)).toBe(8);
    expect(idleTimeoutToSeconds(8000)).toBe(8);
    expect(idleTimeoutToSeconds(8001)).toBe(9);
    expect(idleTimeoutToSeconds(8500)).toBe(9);
    expect(idleTimeoutToSeconds(defaultLimits.idleTimeoutMs)).toBe(120);
  });

  it('defaults to 120 s and a rate limit of 200 per 1000 ms', () => {
    expect(defaultLimits.idleTimeoutMs).toBe(120_000);
    expect(defaultLimits.rateLimit).toEqual({ limit: 200, windowMs: 1000 });
  });
});
