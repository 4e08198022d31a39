import { afterEach, describe, expect, it, vi } from 'vitest';
import { isoNow } from './now.js';

describe('isoNow', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the current millisecond as ISO, reformatted when the clock moves (either way)', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-02T03:04:05.006Z'));
    expect(isoNow()).toBe('2026-01-02T03:04:05.006Z');
    expect(isoNow()).toBe('2026-01-02T03:04:05.006Z');
    vi.setSystemTime(new Date('2026-01-02T03:04:05.007Z'));
    expect(isoNow()).toBe('2026-01-02T03:04:05.007Z');
    vi.setSystemTime(new Date('2025-12-31T23:59:59.999Z'));
    expect(isoNow()).toBe('2025-12-31T23:59:59.999Z');
  });
});
