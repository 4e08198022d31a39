import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesystemDriver, Queue } from '@ody/queue';
import { SpanKind, trace } from '@opentelemetry/api';
import { afterAll, expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { installQueueTracing } from './queue.js';
import { registerTestSdk } from './test-support/sdk.js';

const { exporter, provider } = registerTestSdk();
const uninstall = installQueueTracing();
afterAll(async () => {
  uninstall();
  await provider.shutdown();
});

interface ChildSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

it('a worker in another process continues the trace from the job it claims (filesystem driver)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ody-otel-proc-'));
  const fixtures = join(import.meta.dirname, 'fixtures');
  const spans: ChildSpan[] = [];
  let child: ChildProcess | undefined;
  const driver = filesystemDriver({ dir, durable: false });
  try {
    child = fork(join(fixtures, 'worker-child.ts'), [dir, 'remote'], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<void>((resolve, reject) => {
      child!.once('exit', (code) => reject(new Error(`worker child exited with ${code} before it was ready`)));
      child!.on('message', (m: ChildSpan | { ready: true }) => {
        if ('ready' in m) resolve();
        else spans.push(m);
      });
    });
    await ready;
    const queue = new Queue('remote', { driver });
    await trace.getTracer('test').startActiveSpan('request', async (span) => {
      await queue.push('work', { n: 1 });
      span.end();
    });
    const consumer = await until('the CONSUMER span from the child', () => spans.find((s) => s.kind === SpanKind.CONSUMER), { timeoutMs: 20_000 });
    const producer = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER);
    expect(producer?.name).toBe('send remote');
    expect(consumer.name).toBe('process remote');
    expect(consumer.traceId).toBe(producer?.spanContext().traceId);
    expect(consumer.parentSpanId).toBe(producer?.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({ 'messaging.ody.driver': 'filesystem', 'messaging.ody.attempt': 1 });
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
