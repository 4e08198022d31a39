import { describe, expect, it } from 'vitest';
import { memoryDriver } from '../drivers/memory/driver.js';
import { until } from '../testing/harness.js';
import { Queue } from './queue.js';
import { Worker } from './worker.js';

describe('worker runtime: synchronous handlers on an in-process driver', () => {
  it('lets timers run during a long backlog of jobs that finish at once (yields every few hundred jobs)', async () => {
    const queue = new Queue('backlog', { driver: memoryDriver() });
    const total = 3000;
    await queue.pushBulk(Array.from({ length: total }, (_, i) => ({ name: 'j', payload: i })));
    let done = 0;
    let doneWhenTimerRan = -1;
    const worker = new Worker(queue, () => {
      done++;
    }, { concurrency: 10, autorun: false });
    setTimeout(() => {
      doneWhenTimerRan = done;
    }, 0);
    worker.run();
    await until('all done', () => done === total);
    await worker.close();
    expect(doneWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(doneWhenTimerRan).toBeLessThan(total);
    expect((await queue.counts()).completed).toBe(total);
  });

  it('acknowledges sync results, fails sync throws with retries, and emits events with the results', async () => {
    const queue = new Queue('sync-mix', { driver: memoryDriver() });
    await queue.pushBulk([
      { name: 'ok', payload: 1 },
      { name: 'boom', payload: 2, options: { attempts: 2 } },
    ]);
    const completed: unknown[] = [];
    const failed: string[] = [];
    let attempts = 0;
    const worker = new Worker(queue, (job) => {
      if (job.name === 'boom') {
        attempts++;
        throw new Error('sync failure');
      }
      return (job.data as number) * 10;
    });
    worker.on('completed', (_job, result) => completed.push(result));
    worker.on('failed', (_job, error, reason) => failed.push(`${reason}:${error.message}:${error.attempt}`));
    await until('both settled', () => completed.length === 1 && failed.length === 1);
    await worker.close();
    expect(completed).toEqual([10]);
    expect(attempts).toBe(2);
    expect(failed).toEqual(['error:sync failure:2']);
    expect(await queue.counts()).toMatchObject({ completed: 1, failed: 1, active: 0, waiting: 0 });
  });

  it('keeps the size limit and the copy semantics of the codec on the synchronous path', async () => {
    const queue = new Queue('codec', { driver: memoryDriver(), maxPayloadBytes: 64 });
    await expect(queue.push('big', 'x'.repeat(100))).rejects.toMatchObject({ code: 'ODY_QUEUE_PAYLOAD_TOO_LARGE' });
    const payload = { n: 1 };
    await queue.push('j', payload);
    payload.n = 2;
    let seen: unknown;
    const worker = new Worker(queue, (job) => {
      seen = job.data;
    });
    await until('ran', () => seen !== undefined);
    await worker.close();
    expect(seen).toEqual({ n: 1 });
  });
});

describe('worker runtime: start-up', () => {
  it('runs no handler inside the constructor, so listeners added right after see every job', async () => {
    const queue = new Queue('listeners', { driver: memoryDriver() });
    await queue.pushBulk(Array.from({ length: 50 }, (_, i) => ({ name: 'j', payload: i })));
    let ranInConstructor = 0;
    let ran = 0;
    const worker = new Worker(queue, () => {
      ran++;
    });
    ranInConstructor = ran;
    const completed: unknown[] = [];
    worker.on('completed', (job) => completed.push(job.data));
    await until('all completed', () => completed.length === 50);
    await worker.close();
    expect(ranInConstructor).toBe(0);
    expect(completed).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
