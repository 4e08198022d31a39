import { describe, expect, it } from 'vitest';
import { memoryDriver } from '../drivers/memory/driver.js';
import { until } from '../testing/harness.js';
import { Queue } from './queue.js';
import { Worker } from './worker.js';

describe('Worker listeners that throw', () => {
  it('are logged with the event name, never re-emitted as error, and the worker keeps going', async () => {
    const driver = memoryDriver();
    // A driver whose lease recovery fails makes the worker emit 'error' (it keeps running).
    driver.recover = async () => {
      throw new Error('recover failed');
    };
    const queue = new Queue<number>('listeners', { driver });
    const logged: Array<{ event?: string }> = [];
    const done: number[] = [];
    let errorCalls = 0;
    const worker = new Worker(queue, (job) => done.push(job.data), { logger: { error: (fields: { event?: string }) => logged.push(fields) } as never, recoverIntervalMs: 10_000 });
    worker.on('error', () => {
      errorCalls++;
      throw new Error('error listener bug');
    });
    worker.on('completed', () => {
      throw new Error('completed listener bug');
    });
    await queue.push('n', 1);
    await queue.push('n', 2);
    await until('both jobs to run', () => done.length === 2);
    await until('the listener errors to be logged', () => logged.filter((l) => l.event === 'completed').length === 2 && errorCalls === 1);
    expect(errorCalls).toBe(1);
    expect(logged.map((l) => l.event).sort()).toEqual(['completed', 'completed', 'error']);
    expect((await queue.counts()).completed).toBe(2);
    await worker.close();
  });
});
