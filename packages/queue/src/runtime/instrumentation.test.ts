import { afterEach, expect, it } from 'vitest';
import { until } from '../../../../test-support/wait.js';
import { memoryDriver } from '../drivers/memory/driver.js';
import { queueInstrumentation, setQueueInstrumentation } from './instrumentation.js';
import { Queue } from './queue.js';
import { Worker } from './worker.js';

afterEach(() => {
  setQueueInstrumentation(undefined);
});

it('push may add meta that the worker sees; run wraps each attempt (sync handlers on the inline path too)', async () => {
  const calls: string[] = [];
  setQueueInstrumentation({
    push: async (queue, driver, jobs, send) => {
      calls.push(`push ${queue} ${driver} ${jobs.length}`);
      for (const job of jobs) job.meta = { ...job.meta, traceparent: `tp-${job.name}` };
      return send();
    },
    run: (queue, _driver, job, run) => {
      calls.push(`run ${queue} ${job.name} attempt ${job.attemptsMade + 1}`);
      return run();
    },
  });
  const driver = memoryDriver();
  const queue = new Queue<number>('hooked', { driver });
  const metas: Array<Readonly<Record<string, string>>> = [];
  const worker = new Worker(queue, (job) => {
    metas.push(job.meta);
    if (job.data === 2 && job.attempt === 1) throw new Error('retry me');
    return job.data;
  });
  await queue.push('one', 1);
  await queue.pushBulk([{ name: 'two', payload: 2, options: { attempts: 2 } }]);
  await until('three attempts', () => metas.length === 3);
  await worker.close();
  await driver.close();
  expect(metas.map((m) => m.traceparent)).toEqual(['tp-one', 'tp-two', 'tp-two']);
  expect(calls.filter((c) => c.startsWith('push'))).toEqual(['push hooked memory 1', 'push hooked memory 1']);
  expect(calls.filter((c) => c.startsWith('run'))).toEqual(['run hooked one attempt 1', 'run hooked two attempt 1', 'run hooked two attempt 2']);
});

it('install returns the previous instrumentation; undefined removes it', () => {
  const a = { run: (_q: string, _d: string, _j: unknown, run: () => unknown) => run() };
  expect(setQueueInstrumentation(a)).toBeUndefined();
  expect(queueInstrumentation()).toBe(a);
  expect(setQueueInstrumentation(undefined)).toBe(a);
  expect(queueInstrumentation()).toBeUndefined();
});
