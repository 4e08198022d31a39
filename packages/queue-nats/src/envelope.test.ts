import type { NewJob } from '@ody/queue';
import { headers } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { JOB_HEADER, newHeader, payloadBytes, toClaimed, toHeaders } from './envelope.js';

const job: NewJob = {
  id: 'j1', dedupe: true, name: 'mail', data: '{"a":1}', priority: 3, runAt: 10, attempts: 2, backoff: { type: 'fixed', delay: 5 },
  timeout: 0, createdAt: 9, meta: { correlationId: 'c' },
};

describe('envelope', () => {
  it('round-trips a job through headers and body, counting redeliveries as stalls', () => {
    const claimed = toClaimed(toHeaders(newHeader(job)), payloadBytes(job.data), 'x', 2, 'lease');
    expect(claimed.job).toMatchObject({ id: 'j1', dedupe: true, name: 'mail', data: '{"a":1}', priority: 3, attemptsMade: 0, stalls: 2, meta: { correlationId: 'c' } });
    expect(claimed.job.corrupt).toBeUndefined();
  });

  it('keeps bytes as bytes', () => {
    const bytes = new Uint8Array([0, 255, 10]);
    const claimed = toClaimed(toHeaders(newHeader({ ...job, data: bytes })), bytes, 'x', 0, 'l');
    expect(claimed.job.data).toEqual(bytes);
  });

  it('marks a message without a readable header corrupt with the reason', () => {
    expect(toClaimed(undefined, new Uint8Array(), 'seq-4', 0, 'l').job).toMatchObject({ id: 'seq-4', corrupt: expect.stringContaining('no Ody-Job header') });
    const bad = headers();
    bad.set(JOB_HEADER, '{"i":');
    expect(toClaimed(bad, new Uint8Array(), 'seq-5', 0, 'l').job.corrupt).toContain('not valid JSON');
  });

  it('marks a header with fields of the wrong type corrupt (a missing backoff used to throw in the retry path)', () => {
    const good = newHeader(job) as unknown as Record<string, unknown>;
    for (const broken of [{ ...good, b: undefined }, { ...good, a: 'many' }, { ...good, st: null }, { ...good, e: 'none' }]) {
      const h = headers();
      h.set(JOB_HEADER, JSON.stringify(broken));
      expect(toClaimed(h, new Uint8Array(), 'seq-6', 0, 'l').job.corrupt).toContain('wrong type');
    }
  });
});
