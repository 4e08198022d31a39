import { describe, expect, it } from 'vitest';
import type { QueueDriver } from '../contract/driver.js';
import type { ClaimedJob } from '../contract/job.js';
import { memoryDriver } from '../drivers/memory/driver.js';
import { until } from '../testing/harness.js';
import { Queue } from './queue.js';
import { Worker } from './worker.js';

/**
 * A real memory driver whose acks (complete) wait until the test lets them land, or fail like a lost
 * connection. Every other method is the memory driver's own (async contract only: no inline ops).
 */
function slowAcks() {
  const inner = memoryDriver();
  const held: { job: ClaimedJob; land: () => void; drop: (err: Error) => void }[] = [];
  const driver: QueueDriver = {
    name: 'slow-acks',
    push: (q, jobs) => inner.push(q, jobs),
    claim: (q, o) => inner.claim(q, o),
    extend: (q, jobs, ms) => inner.extend(q, jobs, ms),
    complete: (q, job) =>
      new Promise<boolean>((resolve, reject) => {
        held.push({ job, land: () => resolve(inner.complete(q, job)), drop: reject });
      }),
    retry: (q, job, at, e) => inner.retry(q, job, at, e),
    fail: (q, job, r, e) => inner.fail(q, job, r, e),
    recover: (q, n) => inner.recover(q, n),
    pause: (q) => inner.pause(q),
    resume: (q) => inner.resume(q),
    isPaused: (q) => inner.isPaused(q),
    counts: (q) => inner.counts(q),
    listFailed: (q, o) => inner.listFailed(q, o),
    getFailed: (q, id) => inner.getFailed(q, id),
    retryFailed: (q, ids) => inner.retryFailed(q, ids),
    purgeFailed: (q, ids) => inner.purgeFailed(q, ids),
    close: () => inner.close(),
  };
  return { driver, held };
}

describe('worker runtime: acks do not hold the slot', () => {
  it('starts the next job while the previous ack is in flight; completed fires when the ack lands; concurrency holds', async () => {
    const { driver, held } = slowAcks();
    const queue = new Queue('async-ack', { driver });
    await queue.pushBulk([1, 2, 3].map((n) => ({ name: 'n', payload: n })));
    let running = 0;
    let maxRunning = 0;
    const started: number[] = [];
    const completed: number[] = [];
    const worker = new Worker<number>(queue, async (job) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      started.push(job.data);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    }, { concurrency: 1, waitMs: 100 });
    worker.on('completed', (job) => completed.push(job.data as number));
    await until('all three handlers ran with no ack landed', () => started.length === 3 && held.length === 3);
    expect(completed).toEqual([]);
    expect(await queue.counts()).toMatchObject({ active: 3, completed: 0 });
    for (const h of held.splice(0)) h.land();
    await until('completed after the acks landed', () => completed.length === 3);
    await worker.close();
    expect(maxRunning).toBe(1);
    expect(started).toEqual([1, 2, 3]);
    expect(await queue.counts()).toMatchObject({ active: 0, waiting: 0, completed: 3 });
  });

  it('close() waits for acks in flight before it resolves', async () => {
    const { driver, held } = slowAcks();
    const queue = new Queue('close-ack', { driver });
    await queue.push('n', 1);
    const worker = new Worker(queue, () => undefined, { waitMs: 100 });
    await until('ack issued', () => held.length === 1);
    let closed = false;
    const closing = worker.close({ timeoutMs: 5_000 }).then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    held[0]!.land();
    await closing;
    expect(await queue.counts()).toMatchObject({ active: 0, completed: 1 });
  });

  it('an ack that fails surfaces as an error, is never counted completed, and the job is redelivered', async () => {
    const { driver, held } = slowAcks();
    const queue = new Queue('lost-ack', { driver });
    await queue.push('n', 1);
    const errors: unknown[] = [];
    const completed: string[] = [];
    let runs = 0;
    const worker = new Worker(queue, () => {
      runs++;
    }, { leaseMs: 100, recoverIntervalMs: 20, waitMs: 50, maxStalls: 2 });
    worker.on('error', (e) => errors.push(e));
    worker.on('completed', (job) => completed.push(job.id));
    await until('first ack issued', () => held.length === 1);
    held.shift()!.drop(new Error('connection lost'));
    await until('error surfaced', () => errors.length === 1);
    expect((errors[0] as Error).message).toBe('connection lost');
    expect(completed).toEqual([]);
    await until('redelivered after the lease expired', () => held.length === 1, 5_000);
    expect(runs).toBe(2);
    held.shift()!.land();
    await until('completed once', () => completed.length === 1);
    await worker.close();
    expect(await queue.counts()).toMatchObject({ active: 0, waiting: 0, completed: 1, failed: 0 });
  });
});
