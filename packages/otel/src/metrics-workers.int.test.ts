import { fileURLToPath } from 'node:url';
import { createApplication } from '@ody/core';
import { HttpServer, httpPlugin } from '@ody/http';
import { ProcessManager, processPlugin } from '@ody/process';
import { TaskPool, taskPlugin } from '@ody/task';
import { expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { otelPlugin } from './plugin.js';
import { sample } from './test-support/prometheus.js';

it('reports the task pool (tasks by state, threads) and supervised processes (restarts)', async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: { destination: { write: () => true } } as never,
    config: { app: { logLevel: 'silent' }, http: { port: 0, host: '127.0.0.1' } },
    plugins: [
      httpPlugin(),
      taskPlugin({ modules: [fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url))], minThreads: 1, maxThreads: 1 }),
      processPlugin({
        processes: [{ name: 'sleeper', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], backoff: 10, output: { logger: false } }],
      }),
      otelPlugin({ metrics: { enabled: true } }),
    ],
  });
  await app.start();
  try {
    const pool = app.get(TaskPool);
    expect(await pool.run('add', { a: 1, b: 2 })).toBe(3);
    await expect(pool.run('fail', null)).rejects.toThrow();
    const manager = app.get(ProcessManager);
    const firstPid = manager.status()[0]!.pid!;
    process.kill(firstPid, 'SIGKILL');
    await until('the sleeper restarted', () => {
      const row = manager.status()[0]!;
      return row.restarts === 1 && row.pid !== undefined && row.pid !== firstPid && row.state === 'ready';
    });
    const text = await (await fetch(`http://127.0.0.1:${app.get(HttpServer).port}/metrics`)).text();
    expect(sample(text, 'ody_task_pool_tasks', { state: 'completed' })).toBe(1);
    expect(sample(text, 'ody_task_pool_tasks', { state: 'failed' })).toBe(1);
    expect(sample(text, 'ody_task_pool_tasks', { state: 'queued' })).toBe(0);
    expect(sample(text, 'ody_task_pool_threads', { kind: 'alive' })).toBe(1);
    expect(sample(text, 'ody_process_restarts', { process: 'sleeper', instance: '0' })).toBe(1);
  } finally {
    await app.stop();
  }
});
