import { fileURLToPath } from 'node:url';
import { createApplication, currentContext, runInContext } from '@ody/core';
import { ProcessManager, processPlugin } from '@ody/process';
import { TaskPool, taskPlugin } from '@ody/task';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { otelPlugin } from './plugin.js';
import { isChildOf, type PlainSpan, registerTestSdk } from './test-support/sdk.js';

const { exporter, provider } = registerTestSdk();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const silent = { destination: { write: () => true } } as never;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

it('a task carries the trace and correlation context into its thread: spans there are children of the task span, the result comes back under the caller', async () => {
  const threadSpans: PlainSpan[] = [];
  const channel = new BroadcastChannel('@ody/otel/test/thread-spans');
  channel.onmessage = (e) => threadSpans.push((e as MessageEvent).data as PlainSpan);
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: { app: { logLevel: 'silent' } },
    plugins: [taskPlugin({ modules: [fixture('traced-tasks.ts')], minThreads: 1, maxThreads: 1 }), otelPlugin()],
  });
  await app.start();
  try {
    const pool = app.get(TaskPool) as unknown as TaskPool<{ traced: (p: { n: number }) => { n: number; correlationId?: string } }>;
    await runInContext({ correlationId: 'corr-task' }, () =>
      trace.getTracer('test').startActiveSpan('request', async (span) => {
        expect(await pool.run('traced', { n: 2 })).toEqual({ n: 4, correlationId: 'corr-task' });
        // Back in the caller: its span and correlation context are the active ones.
        expect(trace.getActiveSpan()).toBe(span);
        expect(currentContext()?.correlationId).toBe('corr-task');
        span.end();
      }),
    );
    // Outside any trace and correlation context: a new trace (rooted at the task span), no correlation id.
    expect(await pool.run('traced', { n: 1 })).toEqual({ n: 2, correlationId: undefined });
    const inThread = await until('both spans from the thread', () => (threadSpans.length === 2 ? threadSpans : undefined));
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request');
    const taskSpan = spans.find((s) => s.name === 'task traced' && isChildOf(s, request));
    expect(taskSpan, 'the pool-side task span is a child of the caller').toBeDefined();
    expect(inThread[0]).toMatchObject({ name: 'in thread', traceId: request?.spanContext().traceId, parentSpanId: taskSpan?.spanContext().spanId });
    const rootTask = spans.find((s) => s.name === 'task traced' && s.parentSpanContext === undefined);
    expect(inThread[1]).toMatchObject({ traceId: rootTask?.spanContext().traceId, parentSpanId: rootTask?.spanContext().spanId });
    expect(rootTask?.spanContext().traceId).not.toBe(request?.spanContext().traceId);
  } finally {
    channel.close();
    await app.stop();
  }
});

it('an IPC request carries the trace and correlation context into the child and back (both directions)', async () => {
  const childSpans: PlainSpan[] = [];
  const managerSaw: Array<{ correlationId?: string; parentSpanId?: string; traceId?: string }> = [];
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: silent,
    config: { app: { logLevel: 'silent' } },
    plugins: [
      processPlugin({
        processes: [
          {
            name: 'traced',
            module: fixture('traced-child.ts'),
            execArgv: ['--import', 'tsx'],
            env: { TSX_TSCONFIG_PATH: fixture('tsconfig.json') },
            output: { logger: false },
          },
        ],
      }),
      otelPlugin(),
    ],
  });
  await app.start();
  try {
    const manager = app.get(ProcessManager);
    manager.onMessage('traced', (m) => {
      const span = (m as { span?: PlainSpan }).span;
      if (span !== undefined) childSpans.push(span);
    });
    manager.onRequest('traced', () => {
      const active = trace.getActiveSpan()?.spanContext();
      managerSaw.push({ correlationId: currentContext()?.correlationId, traceId: active?.traceId, parentSpanId: active?.spanId });
      return 'ok';
    });
    await runInContext({ correlationId: 'corr-ipc' }, () =>
      trace.getTracer('test').startActiveSpan('request', async (span) => {
        expect(await manager.request('traced', { ask: true }, { timeoutMs: 10_000 })).toEqual({ correlationId: 'corr-ipc', back: 'ok' });
        expect(trace.getActiveSpan()).toBe(span);
        expect(currentContext()?.correlationId).toBe('corr-ipc');
        span.end();
      }),
    );
    const inChild = await until('the span from the child', () => childSpans.find((s) => s.name === 'in child'));
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request');
    const call = spans.find((s) => s.name === 'process.request traced');
    expect(isChildOf(call, request)).toBe(true);
    expect(inChild).toMatchObject({ traceId: request?.spanContext().traceId, parentSpanId: call?.spanContext().spanId });
    // The child's request back to the manager ran under the child's span and the same correlation id.
    expect(managerSaw).toEqual([{ correlationId: 'corr-ipc', traceId: request?.spanContext().traceId, parentSpanId: inChild.spanId }]);
  } finally {
    await app.stop();
  }
});
