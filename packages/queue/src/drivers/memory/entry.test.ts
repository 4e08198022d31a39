import { describe, expect, it } from 'vitest';
import type { NewJob } from '../../contract/job.js';
import { MemoryDriver } from './driver.js';

const job = (id: string, runAt: number, createdAt: number): NewJob => ({
  id, dedupe: false, name: 'j', data: '1', priority: 0, runAt, attempts: 3, backoff: { type: 'fixed', delay: 0 }, timeout: 0, createdAt,
});
const claim = (d: MemoryDriver) => d.claim('q', { max: 10, leaseMs: 1000, waitMs: 0 });

describe('memory driver entries keep runAt and createdAt exact', () => {
  it('reports runAt = createdAt for ready jobs and the due time for delayed and retried ones', async () => {
    const d = new MemoryDriver();
    const now = Date.now();
    await d.push('q', [job('ready', now, now), job('past', now - 5, now)]);
    const [ready, past] = await claim(d);
    expect([ready!.runAt, ready!.createdAt]).toEqual([now, now]);
    expect([past!.runAt, past!.createdAt]).toEqual([now - 5, now]);

    const due = now + 60_000;
    expect(await d.retry('q', ready!, due, { attempt: 1, name: 'Error', message: 'x', at: now })).toBe(true);
    expect((await d.counts('q')).delayed).toBe(1);
    expect(await d.fail('q', past!, 'error', { attempt: 1, name: 'Error', message: 'y', at: now })).toBe(true);
    const failed = await d.getFailed('q', 'past');
    expect([failed!.runAt, failed!.createdAt]).toEqual([now - 5, now]);

    // A retry due at createdAt exactly is ready again with runAt = createdAt.
    await d.push('q', [job('again', now, now)]);
    const [again] = await claim(d);
    await d.retry('q', again!, now, { attempt: 1, name: 'Error', message: 'z', at: now });
    const [back] = await claim(d);
    expect([back!.id, back!.runAt, back!.attemptsMade]).toEqual(['again', now, 1]);
    await d.close();
  });
});
