import { fileURLToPath } from 'node:url';
import { createApplication } from '@ody/core';
import { ProcessManager, processPlugin } from '@ody/process';
import { TaskPool, taskPlugin } from '@ody/task';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { otelPlugin } from './plugin.js';
import { isChildOf, registerTestSdk } from './test-support/sdk.js';

const { exporter, provider } = registerTestSdk();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

it('each task run through the TaskPool token is a span in the calling trace; a throwing task is an error span', async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: { destination: { write: () => true } } as never,
    config: { app: { logLevel: 'silent' } },
    plugins: [taskPlugin({ modules: [fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url))], minThreads: 1, maxThreads: 1 }), otelPlugin()],
  });
  await app.start();
  try {
    const pool = app.get(TaskPool);
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      expect(await pool.run('add', { a: 2, b: 3 })).toBe(5);
      await expect(pool.run('fail', null)).rejects.toThrow('no such luck');
      const settled = await pool.runAll([{ name: 'add', payload: { a: 1, b: 1 } }]);
      expect(settled[0]).toEqual({ status: 'fulfilled', value: 2 });
      span.end();
    });
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request');
    const adds = spans.filter((s) => s.name === 'task add');
    const fail = spans.find((s) => s.name === 'task fail');
    expect(adds).toHaveLength(2);
    for (const s of [...adds, fail]) expect(isChildOf(s, request)).toBe(true);
    expect(adds[0]?.attributes['ody.task.name']).toBe('add');
    expect(fail?.status.code).toBe(SpanStatusCode.ERROR);
    expect(pool.stats().threads).toBe(1);
  } finally {
    await app.stop();
  }
});

it('each request to a supervised process through the ProcessManager token is a CLIENT span in the calling trace', async () => {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: { destination: { write: () => true } } as never,
    config: { app: { logLevel: 'silent' } },
    plugins: [
      processPlugin({ processes: [{ name: 'pinger', module: fileURLToPath(new URL('./fixtures/pinger.mjs', import.meta.url)), output: { logger: false } }] }),
      otelPlugin(),
    ],
  });
  await app.start();
  try {
    const manager = app.get(ProcessManager);
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      expect(await manager.request('pinger', 'hi')).toEqual({ pong: 'hi' });
      span.end();
    });
    expect(manager.status()[0]?.name).toBe('pinger');
    const spans = exporter.getFinishedSpans();
    const call = spans.find((s) => s.name === 'process.request pinger');
    expect(isChildOf(call, spans.find((s) => s.name === 'request'))).toBe(true);
    expect(call?.attributes).toMatchObject({ 'ody.process.name': 'pinger', 'ody.process.instance': 0 });
  } finally {
    await app.stop();
  }
});
