import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesystemDriver } from '@ody/queue';
import { afterEach, describe, expect, it } from 'vitest';
import { queuesOn, tempDir } from '../test-support/harness.js';
import { SlowCommand } from '../test-support/fixtures/messages.js';
import { createBuses } from '../buses/create.js';
import { FilesystemStatusStore } from './fs-status-store.js';
import { type AsyncRuntime, createAsyncCommands } from './runtime.js';

const fixtures = join(import.meta.dirname, '../test-support/fixtures');
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Run the producer that SIGKILLs itself inside dispatch(); resolves with the command id it was dispatching. */
async function crashInDispatch(dir: string, mode: 'after-claim' | 'after-push'): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'crashing-producer.ts'), dir, mode], {
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const signal = await new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
  expect(signal).toBe('SIGKILL');
  expect(out).not.toContain('survived');
  return readFileSync(join(dir, 'dispatching'), 'utf8');
}

// Regression: dispatch used to write the `queued` record before pushing the job, so a crash in
// between left a record that stayed `queued` forever. Now the job is pushed first.
describe.each(['after-claim', 'after-push'] as const)('a producer killed inside dispatch (%s)', (mode) => {
  it('leaves no stuck record: the command runs once and the same idempotency key finds it', async () => {
    const { dir, remove } = tempDir('ody-cqrs-dispatch-crash-');
    const driver = filesystemDriver({ dir: join(dir, 'queue'), durable: true });
    let runtime: AsyncRuntime | undefined;
    cleanups.push(remove, () => driver.close(), () => runtime?.close({ timeoutMs: 1000 }));

    const lostId = await crashInDispatch(dir, mode);
    const store = new FilesystemStatusStore(join(dir, 'status'));
    // The dead dispatch wrote no status either way (never a `queued` record without a job).
    expect(await store.get(lostId)).toBeUndefined();

    const buses = createBuses();
    const runs: string[] = [];
    buses.commandBus.register(SlowCommand, (cmd) => {
      runs.push(cmd.text);
      return { echoed: cmd.text, by: process.pid };
    });
    runtime = createAsyncCommands({ buses, store, queues: queuesOn(driver), worker: { waitMs: 50 } });
    runtime.startWorkers();
    if (mode === 'after-push') {
      // The job survived; the worker re-creates the record from it.
      for (let i = 0; (await store.get(lostId)) === undefined && i < 1000; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await buses.commandBus.wait(lostId, { timeoutMs: 10_000 })).toEqual({ echoed: 'from the dead', by: process.pid });
      expect(await store.get(lostId)).toMatchObject({ state: 'succeeded', idempotencyKey: 'once', name: 'SlowCommand', queue: 'slow' });
    }
    const again = await buses.commandBus.dispatch(new SlowCommand('retry'), { idempotencyKey: 'once' });
    expect(again.commandId).toBe(lostId);
    expect(again.duplicate).toBe(true);
    await buses.commandBus.wait(lostId, { timeoutMs: 10_000 });
    expect(await buses.commandBus.dispatch(new SlowCommand('third'), { idempotencyKey: 'once' })).toEqual({
      commandId: lostId,
      status: 'succeeded',
      duplicate: true,
    });
    // after-push: the pushed payload ran; after-claim: nothing was pushed, so the re-dispatch's payload ran.
    expect(runs).toEqual([mode === 'after-push' ? 'from the dead' : 'retry']);
    expect((await driver.counts('slow')).failed).toBe(0);
  });
});
