import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryDriver, Queue, Worker } from '@ody/queue';
import { afterAll, describe, expect, it } from 'vitest';
import { shipping } from '../fixtures/saga-domain.js';
import { fileEventStore } from '../file/store.js';
import { memoryEventStore } from '../memory/store.js';
import { ProjectionRunner } from '../projections/async.js';
import { MemoryCheckpointStore } from '../projections/checkpoints.js';
import { until } from '../testing/api.js';
import { queueTimeouts, SagaRuntime } from './runtime.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runChild(dir: string, crash: string): Promise<{ code: number | null; signal: string | null; report?: { steps: number; dispatched: number; duplicates: number } }> {
  const child = fork(join(fixtures, 'saga-runner.ts'), [dir, crash], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let report: { steps: number; dispatched: number; duplicates: number } | undefined;
  child.on('message', (m) => {
    report = m as typeof report;
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, report })));
}

describe('sagas', () => {
  it('react to events and to their own timeouts from a queue delay, with state per correlation id', async () => {
    const store = memoryEventStore();
    const queue = new Queue('saga-timeouts', { driver: memoryDriver() });
    const sent: Array<{ type: string; orderId: string; id: string }> = [];
    const timeouts = queueTimeouts(queue);
    const runtime = new SagaRuntime([shipping as never], {
      store,
      dispatch: async (c, { commandId }) => {
        sent.push({ ...(c as { type: string; orderId: string }), id: commandId });
      },
      schedule: timeouts.schedule,
    });
    const worker = new Worker(queue, timeouts.handler(runtime), { waitMs: 50 });
    const runner = new ProjectionRunner(runtime.projection(), { store, checkpoints: new MemoryCheckpointStore(), pollMs: 10 });
    runner.start();
    try {
      await store.append('order-a', [{ type: 'OrderPlaced', data: { orderId: 'a' } }]);
      await store.append('order-b', [{ type: 'OrderPlaced', data: { orderId: 'b' } }]);
      await store.append('order-a', [{ type: 'PaymentReceived', data: { orderId: 'a' } }]);
      await until('b was cancelled by its timeout', () => sent.some((c) => c.type === 'CancelOrder'));
      await until('a shipped', () => sent.some((c) => c.type === 'Ship'));
      // a's timeout also fires, but the saga is done: nothing more is sent.
      await until('a timeout handled', async () => (await queue.driver.counts('saga-timeouts')).waiting + (await queue.driver.counts('saga-timeouts')).delayed === 0);
      await until('every step recorded', async () => (await runtime.steps('shipping', 'a')).length === 2 && (await runtime.steps('shipping', 'b')).length === 2);
    } finally {
      await runner.stop();
      await worker.close();
      await queue.driver.close();
    }
    expect(sent.map((c) => `${c.type}:${c.orderId}`).sort()).toEqual(['CancelOrder:b', 'ReserveStock:a', 'ReserveStock:b', 'Ship:a']);
    expect(new Set(sent.map((c) => c.id)).size).toBe(4);
    expect((await runtime.steps<{ paid: boolean }>('shipping', 'a')).map((s) => s.state.paid)).toEqual([false, true]);
  });

  it('resume after SIGKILL without losing or doubling a step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-es-saga-'));
    dirs.push(dir);
    const seed = await fileEventStore({ dir });
    for (let i = 0; i < 20; i++) {
      await seed.append(`order-${i}`, [{ type: 'OrderPlaced', data: { orderId: `o${i}` } }]);
      await seed.append(`order-${i}`, [{ type: 'PaymentReceived', data: { orderId: `o${i}` } }]);
    }
    await seed.close();
    // Killed right after a step's append (its commands not yet sent), then right after a command
    // (the checkpoint not yet moved), then run to the end.
    expect((await runChild(dir, 'step:7')).signal).toBe('SIGKILL');
    expect((await runChild(dir, 'dispatch:9')).signal).toBe('SIGKILL');
    const last = await runChild(dir, '');
    expect(last.code).toBe(0);
    expect(last.report!.duplicates).toBeGreaterThan(0); // resends happened and were recognised

    const store = await fileEventStore({ dir });
    try {
      const runtime = new SagaRuntime([shipping as never], { store, dispatch: async () => {}, schedule: async () => {} });
      for (let i = 0; i < 20; i++) {
        const steps = await runtime.steps('shipping', `o${i}`);
        expect(steps.flatMap((s) => s.commands.map((c) => (c.command as { type: string }).type)), `o${i}`).toEqual(['ReserveStock', 'Ship']);
      }
      const commands = await store.readAll({ filter: { streamPrefix: 'cmd-' } });
      expect(commands).toHaveLength(40);
      expect(new Set(commands.map((c) => c.stream)).size).toBe(40);
    } finally {
      await store.close();
    }
  }, 120_000);
});
