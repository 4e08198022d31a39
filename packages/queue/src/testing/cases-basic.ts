import { runInContext } from '@ody/core';
import type { TestApi } from './api.js';
import type { Harness } from './harness.js';
import { gate, sleep, until } from './harness.js';

/** Push, process, results, bulk, priorities, delays, dedupe, counts, concurrency, wake-ups. */
export function basicCases(h: () => Harness, { it, expect }: TestApi): void {
  it('processes a pushed job with its payload, name and id, and counts it completed', async () => {
    const queue = await h().queue();
    const seen: unknown[] = [];
    const done = new Promise<unknown>((resolve) => {
      h().worker<{ n: number }>(queue, async (job) => {
        seen.push({ id: job.id, name: job.name, data: job.data, attempt: job.attempt });
        return job.data.n * 2;
      }).on('completed', (_job, result) => resolve(result));
    });
    const { id, added } = await queue.push('double', { n: 21 });
    expect(added).toBe(true);
    expect(await done).toBe(42);
    expect(seen).toEqual([{ id, name: 'double', data: { n: 21 }, attempt: 1 }]);
    await until('completed count', async () => (await queue.counts()).completed === 1);
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 0, completed: 1 });
  });

  it('pushBulk stores every job and returns one result per job in order', async () => {
    const queue = await h().queue();
    const results = await queue.pushBulk(Array.from({ length: 50 }, (_, i) => ({ name: 'n', payload: i })));
    expect(results).toHaveLength(50);
    expect(new Set(results.map((r) => r.id)).size).toBe(50);
    expect((await queue.counts()).waiting).toBe(50);
    const got: number[] = [];
    h().worker<number>(queue, (job) => {
      got.push(job.data);
    }, { concurrency: 4 });
    await until('50 processed', () => got.length === 50);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('runs higher priorities first and keeps FIFO within a priority', async () => {
    const queue = await h().queue();
    await queue.push('j', 'low-1', { priority: -5 });
    await queue.push('j', 'mid-1');
    await queue.push('j', 'high-1', { priority: 10 });
    await queue.push('j', 'mid-2');
    await queue.push('j', 'high-2', { priority: 10 });
    await queue.push('j', 'low-2', { priority: -5 });
    const order: string[] = [];
    h().worker<string>(queue, (job) => {
      order.push(job.data);
    });
    await until('6 processed', () => order.length === 6);
    expect(order).toEqual(['high-1', 'high-2', 'mid-1', 'mid-2', 'low-1', 'low-2']);
  });

  it('holds delayed jobs until they are due', async () => {
    const queue = await h().queue();
    // Counted as delayed (a far due time, so a slow machine cannot see it become ready first).
    await queue.push('far', 0, { delayMs: 600_000 });
    expect(await queue.counts()).toMatchObject({ delayed: 1, waiting: 0 });
    const pushedAt = Date.now();
    await queue.push('later', 1, { delayMs: 300 });
    const ran: string[] = [];
    let ranAt = 0;
    h().worker(queue, (job) => {
      ran.push(job.name);
      ranAt = Date.now();
    }, { waitMs: 60_000 });
    await until('delayed job ran', () => ranAt > 0);
    expect(ranAt - pushedAt).toBeGreaterThanOrEqual(290);
    expect(ran).toEqual(['later']);
    expect(await queue.counts()).toMatchObject({ delayed: 1 });
  });

  it('does not enqueue a jobId twice while it is waiting or running, and accepts it again after completion', async () => {
    const queue = await h().queue();
    expect((await queue.push('j', 1, { jobId: 'order-1' })).added).toBe(true);
    expect(await queue.push('j', 2, { jobId: 'order-1' })).toEqual({ id: 'order-1', added: false });
    const bulk = await queue.pushBulk([{ name: 'j', payload: 3, options: { jobId: 'order-1' } }, { name: 'j', payload: 4, options: { jobId: 'order-2' } }]);
    expect(bulk.map((r) => r.added)).toEqual([false, true]);
    const running = gate();
    const release = gate();
    const seen: unknown[] = [];
    h().worker(queue, async (job) => {
      seen.push(job.data);
      if (job.data === 1) {
        running.open();
        await release.promise;
      }
    });
    await running.promise;
    expect((await queue.push('j', 5, { jobId: 'order-1' })).added).toBe(false);
    release.open();
    await until('both processed', async () => (await queue.counts()).completed === 2);
    expect((await queue.push('j', 6, { jobId: 'order-1' })).added).toBe(true);
    await until('third processed', async () => (await queue.counts()).completed === 3);
    expect(seen).toEqual([1, 4, 6]);
  });

  it('never runs more than `concurrency` jobs at once and does use that many', async () => {
    const queue = await h().queue();
    await queue.pushBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'j', payload: i })));
    let running = 0;
    let peak = 0;
    let done = 0;
    h().worker(queue, async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(20);
      running--;
      done++;
    }, { concurrency: 5 });
    await until('20 done', () => done === 20);
    expect(peak).toBe(5);
  });

  it('wakes an idle worker on push without waiting for its poll interval', async () => {
    const queue = await h().queue();
    let ran = false;
    h().worker(queue, () => {
      ran = true;
    }, { waitMs: 60_000 });
    await sleep(100);
    await queue.push('j', 1);
    await until('job picked up while the worker waits', () => ran, 5_000);
  });

  it('carries the correlation id of the pushing context into the handler', async () => {
    const queue = await h().queue();
    await runInContext({ correlationId: 'corr-123' }, () => queue.push('j', 1));
    const meta = await new Promise<unknown>((resolve) => {
      h().worker(queue, (job) => resolve(job.meta));
    });
    expect(meta).toMatchObject({ correlationId: 'corr-123' });
  });

  it('pause stops every worker from taking jobs; resume lets them continue', async () => {
    const queue = await h().queue();
    await queue.pause();
    expect(await queue.isPaused()).toBe(true);
    let ran = 0;
    h().worker(queue, () => {
      ran++;
    }, { waitMs: 100 });
    await queue.push('j', 1);
    await sleep(300);
    expect(ran).toBe(0);
    expect((await queue.counts()).waiting).toBe(1);
    await queue.resume();
    await until('ran after resume', () => ran === 1);
  });
}
