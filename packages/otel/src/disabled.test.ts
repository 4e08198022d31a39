import { createLogger } from '@ody/core';
import { createServer } from '@ody/http';
import { memoryDriver, Queue, Worker } from '@ody/queue';
import { expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { busTracing } from './cqrs.js';
import { httpTracing } from './http.js';
import { installQueueTracing, queueTracing } from './queue.js';
import { registerTestSdk } from './test-support/sdk.js';
import { tracingEnabled } from './tracer.js';

// One file, in order: first no SDK at all (the API alone), then an SDK registered late.

it('without an SDK: no tracer, the middleware hands back next() itself, jobs carry no trace context', async () => {
  expect(tracingEnabled()).toBe(false);
  const sentinel = Promise.resolve();
  const mw = httpTracing();
  expect(mw({ headers: {} } as never, () => sentinel)).toBe(sentinel);
  const bus = busTracing();
  const result = Promise.resolve('r');
  expect(bus({}, () => result, { kind: 'command', name: 'X', handler: 'h', key: 'X' })).toBe(result);
  const hooks = queueTracing();
  const sent = Promise.resolve([]);
  expect(hooks.push('q', 'memory', [], () => sent)).toBe(sent);
  expect(hooks.run('q', 'memory', {} as never, () => 42)).toBe(42);

  const uninstall = installQueueTracing();
  const driver = memoryDriver();
  const queue = new Queue('plain', { driver });
  const metas: Array<Readonly<Record<string, string>>> = [];
  const worker = new Worker(queue, (job) => void metas.push(job.meta));
  await queue.push('j', 1);
  await until('the job ran', () => metas.length === 1);
  expect(metas[0]).toEqual({});
  await worker.close();
  await driver.close();
  uninstall();

  const server = createServer({ logger: createLogger({ level: 'silent' }) });
  server.router.use(httpTracing());
  server.router.get('/x', () => 'x');
  expect((await server.inject({ url: '/x', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } })).body).toBe('x');
  await server.close();
});

it('an SDK registered after the instrumentation was built is picked up', async () => {
  const { exporter, provider } = registerTestSdk();
  expect(tracingEnabled()).toBe(true);
  const server = createServer({ logger: createLogger({ level: 'silent' }) });
  server.router.use(httpTracing());
  server.router.get('/x', () => 'x');
  await server.inject({ url: '/x' });
  expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['GET /x']);
  await server.close();
  await provider.shutdown();
});
