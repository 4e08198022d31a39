import { afterAll, describe, expect, it } from 'vitest';
import { OdyError } from '@ody/core';
import type { TaskPool } from './index.js';
import { fixture, pool } from './fixtures/helpers.js';

describe('task results and errors', () => {
  let tasks: TaskPool;
  afterAll(() => tasks.close());

  it('returns results, many at once, in order', async () => {
    tasks = pool({ minThreads: 2, maxThreads: 2 });
    expect(await tasks.run('add', { a: 2, b: 3 })).toBe(5);
    const many = await Promise.all(Array.from({ length: 2_000 }, (_, i) => tasks.run('add', { a: i, b: 1 })));
    expect(many).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1));
    expect(await tasks.run('later', { value: 'async', ms: 5 })).toBe('async');
  });

  it('a throwing task fails only itself, keeping name, message, stack and code', async () => {
    const before = tasks.threadIds();
    const [bad, good] = await Promise.allSettled([tasks.run('fail', { message: 'bad input 42' }), tasks.run('add', { a: 1, b: 1 })]);
    expect(good).toEqual({ status: 'fulfilled', value: 2 });
    expect(bad.status).toBe('rejected');
    const error = (bad as PromiseRejectedResult).reason;
    expect(error.name).toBe('RangeError');
    expect(error.message).toBe('bad input 42');
    expect(error.code).toBe('E_CUSTOM');
    expect(error.task).toBe('fail');
    expect(error.stack).toContain('fixtures/tasks.ts');
    const asyncError = await tasks.run('failAsync', { message: 'later bad' }).catch((e: unknown) => e as Error);
    expect(asyncError).toMatchObject({ name: 'TypeError', message: 'later bad' });
    expect(tasks.threadIds()).toEqual(before);
  });

  it('runAll settles per task', async () => {
    const settled = await tasks.runAll([
      { name: 'add', payload: { a: 1, b: 2 } },
      { name: 'fail', payload: { message: 'nope' } },
      { name: 'echo', payload: { deep: [1, 'two'] } },
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseFulfilledResult<unknown>).value).toEqual({ deep: [1, 'two'] });
  });

  it('unknown tasks and unclonable results are typed errors', async () => {
    const missing = await tasks.run('nope', 1).catch((e: unknown) => e);
    expect(OdyError.is(missing, 'ODY_TASK_NOT_FOUND')).toBe(true);
    expect((missing as Error).message).toContain("'nope'");
    const unclonable = await tasks.run('unclonable', 1).catch((e: unknown) => e);
    expect(OdyError.is(unclonable, 'ODY_TASK_RESULT_NOT_CLONEABLE')).toBe(true);
    expect(await tasks.run('add', { a: 1, b: 1 })).toBe(2);
  });

  it('retries tasks marked retryable, with backoff, until they succeed', async () => {
    const one = pool();
    try {
      expect(await one.run('flaky', null)).toBe(3);
      expect(one.stats()).toMatchObject({ completed: 1, failed: 0 });
      await expect(one.run('fail', { message: 'x' }, { retry: { attempts: 2, backoff: 5 } })).rejects.toThrow('x');
      expect(one.stats().failed).toBe(1);
    } finally {
      await one.close();
    }
  });

  it('transfers buffers and runs later()', async () => {
    const buffer = new ArrayBuffer(1024);
    expect(await tasks.run('byteLength', buffer, { transferList: [buffer] })).toBe(1024);
    expect(buffer.byteLength).toBe(0);
    expect(await tasks.later(20, 'add', { a: 40, b: 2 })).toBe(42);
  });

  it('reports stats', () => {
    const s = tasks.stats();
    expect(s.completed).toBeGreaterThan(2_000);
    expect(s.failed).toBeGreaterThanOrEqual(4);
    expect(s).toMatchObject({ queued: 0, running: 0, threads: 2 });
    expect(s.p99Ms).toBeGreaterThanOrEqual(0);
    expect(s.meanMs).toBeGreaterThan(0);
  });
});

describe('task modules with per-thread services', () => {
  it('runs setup once per thread and hands its Application to every task', async () => {
    const tasks = pool({ modules: [fixture('with-app.ts')] });
    try {
      const [id] = tasks.threadIds();
      expect(await tasks.run('greet', 'ody')).toBe(`hello ody from thread ${id}`);
      expect(await tasks.run('greet', 'again')).toContain('again');
      expect(await tasks.run('setups', null)).toBe(1);
    } finally {
      await tasks.close();
    }
  });
});
