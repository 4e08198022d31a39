import type { NewJob } from '@ody/queue';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope, parseExtra, rankOf, toClaimed, toFailedRecord } from './envelope.js';

const job = (over: Partial<NewJob> = {}): NewJob => ({
  id: 'j1', dedupe: true, name: 'send', data: '{"a":"line1\\nline2"}', priority: 0, runAt: 10, attempts: 3,
  backoff: { type: 'exponential', delay: 100 }, timeout: 500, createdAt: 9, ...over,
});

describe('job envelope', () => {
  it('round-trips text payloads (newlines included), options and meta', () => {
    const env = encodeEnvelope(job({ meta: { correlationId: 'c1' } }));
    const claimed = toClaimed('j1', env, '999999:2:1', 'L1');
    expect(claimed).toEqual({
      id: 'j1', dedupe: true, name: 'send', data: '{"a":"line1\\nline2"}', priority: 0, runAt: 10, attempts: 3,
      backoff: { type: 'exponential', delay: 100 }, timeout: 500, createdAt: 9, attemptsMade: 2, stalls: 1, lease: 'L1',
      meta: { correlationId: 'c1' },
    });
  });

  it('round-trips byte payloads as bytes', () => {
    const data = new Uint8Array([0, 10, 255, 13]);
    const claimed = toClaimed('j1', encodeEnvelope(job({ data })), null, 'L');
    expect(claimed.data).toEqual(data);
    expect(claimed.data).toBeInstanceOf(Uint8Array);
  });

  it('marks missing, truncated and garbled records corrupt instead of throwing', () => {
    expect(toClaimed('a', null, null, 'L').corrupt).toMatch(/missing/);
    expect(toClaimed('a', '{"k":1', null, 'L').corrupt).toMatch(/no header line/);
    expect(toClaimed('a', '{"k":\n{}', null, 'L').corrupt).toMatch(/not valid JSON/);
    expect(toClaimed('a', '{"k":1}\nx', null, 'L').corrupt).toMatch(/lacks its fields/);
  });

  it('ranks higher priorities lower (popped first) and keeps rank first in the header', () => {
    expect(rankOf(999_999)).toBeLessThan(rankOf(0));
    expect(rankOf(0)).toBeLessThan(rankOf(-999_999));
    expect(rankOf(-999_999) * 2 ** 32 + 2 ** 32).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER + 1);
    expect(encodeEnvelope(job({ priority: 7 }))).toMatch(/^\{"k":999992,/);
  });

  it('parses extra entries and failed-store info', () => {
    expect(parseExtra(null)).toEqual({ attemptsMade: 0, stalls: 0 });
    expect(parseExtra('5:3:2')).toEqual({ attemptsMade: 3, stalls: 2 });
    const info = '{"reason":"stalled","attemptsMade":1,"stalls":2,"failedAt":99,"errors":[{"attempt":2,"name":"QueueError","message":"m","at":99}]}';
    expect(toFailedRecord('j1', encodeEnvelope(job()), info)).toMatchObject({ id: 'j1', reason: 'stalled', stalls: 2, failedAt: 99, name: 'send' });
    expect(toFailedRecord('j1', '', 'nope')).toMatchObject({ reason: 'corrupt', data: undefined });
  });
});
