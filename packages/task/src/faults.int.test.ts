import { OdyError } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { TaskQueueFullError } from './index.js';
import { fixture, pause, pool, until } from './fixtures/helpers.js';

describe('task pool faults', () => {
  it('runs queued tasks by priority, FIFO within a priority', async () => {
    const tasks = pool();
    try {
      await tasks.run('add', { a: 0, b: 0 });
      const blocker = tasks.run('block', { value: 'blocker', ms: 300 });
      await pause(50);
      const order: string[] = [];
      const submit = (value: string, priority: number) =>
        tasks.run('echo', value, { priority }).then((v) => order.push(v as string));
      await Promise.all([submit('low-1', 0), submit('low-2', 0), submit('high-1', 10), submit('mid', 5), submit('high-2', 10), blocker]);
      expect(order).toEqual(['high-1', 'high-2', 'mid', 'low-1', 'low-2']);
    } finally {
      await tasks.close();
    }
  });

  it('a timeout terminates and replaces the thread; the pool keeps working', async () => {
    const tasks = pool();
    try {
      await tasks.run('add', { a: 0, b: 0 });
      const before = tasks.threadIds();
      const error = await tasks.run('spinForever', null, { timeoutMs: 150 }).catch((e: unknown) => e);
      expect(OdyError.is(error, 'ODY_TASK_TIMEOUT')).toBe(true);
      expect((error as OdyError).details).toMatchObject({ task: 'spinForever', timeoutMs: 150 });
      expect(await tasks.run('add', { a: 1, b: 2 })).toBe(3);
      expect(tasks.threadIds()).not.toEqual(before);
    } finally {
      await tasks.close();
    }
  });

  it('abort removes a queued task, and replaces the thread of a running one', async () => {
    const tasks = pool();
    try {
      await tasks.run('add', { a: 0, b: 0 });
      const preAborted = await tasks.run('add', { a: 1, b: 1 }, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
      expect(OdyError.is(preAborted, 'ODY_TASK_ABORTED')).toBe(true);

      const blocker = tasks.run('block', { value: 'done', ms: 200 });
      await pause(30);
      const queued = new AbortController();
      const dropped = tasks.run('echo', 'never', { signal: queued.signal });
      queued.abort(new Error('changed my mind'));
      const droppedError = await dropped.catch((e: unknown) => e);
      expect(OdyError.is(droppedError, 'ODY_TASK_ABORTED')).toBe(true);
      expect((droppedError as Error).cause).toMatchObject({ message: 'changed my mind' });
      expect(await blocker).toBe('done');

      const before = tasks.threadIds();
      const running = new AbortController();
      const hung = tasks.run('hang', null, { signal: running.signal });
      await pause(50);
      running.abort();
      expect(OdyError.is(await hung.catch((e: unknown) => e), 'ODY_TASK_ABORTED')).toBe(true);
      expect(await tasks.run('add', { a: 2, b: 2 })).toBe(4);
      expect(tasks.threadIds()).not.toEqual(before);
    } finally {
      await tasks.close();
    }
  });

  it('a thread that calls process.exit fails its task clearly and is replaced', async () => {
    const tasks = pool();
    try {
      const error = await tasks.run('exit', 7).catch((e: unknown) => e);
      expect(OdyError.is(error, 'ODY_TASK_WORKER_CRASHED')).toBe(true);
      expect((error as OdyError).details).toMatchObject({ task: 'exit', exitCode: 7 });
      expect((error as Error).message).toContain("task 'exit'");
      expect(await tasks.run('add', { a: 3, b: 4 })).toBe(7);
    } finally {
      await tasks.close();
    }
  });

  it('a thread that runs out of memory fails its task and is replaced; tasks sharing its batch rerun', async () => {
    const tasks = pool({ resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } });
    try {
      await tasks.run('add', { a: 0, b: 0 });
      const [oom, after] = await Promise.allSettled([tasks.run('oom', null), tasks.run('add', { a: 5, b: 5 })]);
      expect(oom.status).toBe('rejected');
      const error = (oom as PromiseRejectedResult).reason;
      expect(OdyError.is(error, 'ODY_TASK_WORKER_CRASHED')).toBe(true);
      expect(error.details.reason).toBe('ERR_WORKER_OUT_OF_MEMORY');
      expect(after).toEqual({ status: 'fulfilled', value: 10 });
    } finally {
      await tasks.close();
    }
  });

  it('a full queue rejects with TaskQueueFullError naming the queue size', async () => {
    const tasks = pool({ maxQueue: 2 });
    try {
      await tasks.run('add', { a: 0, b: 0 });
      const blocker = tasks.run('block', { value: 1, ms: 200 });
      await pause(30);
      const queued = [tasks.run('add', { a: 1, b: 1 }), tasks.run('add', { a: 2, b: 2 })];
      const error = await tasks.run('add', { a: 3, b: 3 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskQueueFullError);
      expect((error as TaskQueueFullError).details).toMatchObject({ queueSize: 2, maxQueue: 2 });
      expect((error as Error).message).toContain('2 tasks');
      expect(await Promise.all([blocker, ...queued])).toEqual([1, 2, 4]);
    } finally {
      await tasks.close();
    }
  });

  it('modules that fail to load reject tasks instead of hanging', async () => {
    const tasks = pool({ modules: [fixture('broken.ts')] });
    try {
      const error = await tasks.run('add', { a: 1, b: 1 }).catch((e: unknown) => e);
      expect(OdyError.is(error, 'ODY_TASK_WORKER_START_FAILED')).toBe(true);
      expect((error as Error).message).toContain('broken module');
    } finally {
      await tasks.close();
    }
  });

  it('modules without tasks, or with clashing task names, are rejected as invalid', async () => {
    for (const modules of [[fixture('no-tasks.ts')], [fixture('tasks.ts'), fixture('tasks.ts')]]) {
      const tasks = pool({ modules });
      try {
        const error = await tasks.run('add', { a: 1, b: 1 }).catch((e: unknown) => e);
        expect(OdyError.is(error, 'ODY_TASK_INVALID_MODULE')).toBe(true);
      } finally {
        await tasks.close();
      }
    }
  });

  it('grows under a backlog and reaps idle threads above minThreads', async () => {
    const tasks = pool({ minThreads: 1, maxThreads: 2, idleTimeoutMs: 100 });
    try {
      await tasks.run('add', { a: 0, b: 0 });
      const backlog = Promise.all(Array.from({ length: 6 }, () => tasks.run('block', { value: 0, ms: 60 })));
      await until(() => tasks.stats().threads === 2, 'a second thread for the backlog');
      await backlog;
      await until(() => tasks.stats().threads === 1, 'the idle thread to be reaped');
      expect(tasks.stats().threads).toBe(1);
    } finally {
      await tasks.close();
    }
  });

  it('rejects invalid options with a typed error', async () => {
    expect(() => pool({ minThreads: 3, maxThreads: 2 })).toThrow(/minThreads/);
    expect(() => pool({ modules: ['relative/tasks.js'] })).toThrow(/absolute path/);
    const tasks = pool();
    try {
      const error = await tasks.run('add', { a: 1, b: 1 }, { timeoutMs: -1 }).catch((e: unknown) => e);
      expect(OdyError.is(error, 'ODY_TASK_INVALID_OPTIONS')).toBe(true);
    } finally {
      await tasks.close();
    }
  });
});
