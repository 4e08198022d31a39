import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesystemDriver } from '@ody/queue';
import { afterEach, expect, it } from 'vitest';
import { createBuses } from '../buses/create.js';
import { handlerStarted, kill9, startCommandWorker } from '../test-support/command-worker.js';
import { SlowCommand } from '../test-support/fixtures/messages.js';
import { queuesOn, tempDir } from '../test-support/harness.js';
import { FilesystemStatusStore } from './fs-status-store.js';
import { createAsyncCommands } from './runtime.js';

const children: ChildProcess[] = [];
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

// Regression: a job failed by stall recovery was reported as the worker's `stalled` event, which the
// runtime did not listen to, so the command stayed `running` forever and wait() timed out.
it('a command whose worker process is SIGKILLed past maxStalls ends failed with reason stalled, and wait() says so', async () => {
  const { dir, remove } = tempDir('ody-cqrs-stall-');
  const driver = filesystemDriver({ dir: join(dir, 'queue'), durable: true });
  cleanups.push(remove, () => driver.close());
  const buses = createBuses();
  buses.registry.register('command', SlowCommand);
  createAsyncCommands({ buses, store: new FilesystemStatusStore(join(dir, 'status')), queues: queuesOn(driver) });
  const { commandBus } = buses;

  writeFileSync(join(dir, 'hang'), '');
  const { commandId } = await commandBus.dispatch(new SlowCommand('stuck'));
  // maxStalls 1: the first SIGKILL is redelivered, the second fails the job.
  for (let round = 0; round < 2; round++) {
    const worker = await startCommandWorker(dir, children, ['1']);
    await handlerStarted(dir, worker.pid!);
    expect((await commandBus.status(commandId))?.state).toBe('running');
    await kill9(worker);
  }
  // A third worker's recovery pass finds the lease expired a second time and fails the job.
  const third = await startCommandWorker(dir, children, ['1']);
  await expect(commandBus.wait(commandId, { timeoutMs: 20_000 })).rejects.toMatchObject({ code: 'ODY_CQRS_COMMAND_FAILED' });
  const status = await commandBus.status(commandId);
  expect(status).toMatchObject({ state: 'failed', error: { code: 'ODY_QUEUE_JOB_STALLED', details: { reason: 'stalled' } } });
  expect(status?.error?.message).toContain('maxStalls');
  expect((await driver.counts('slow')).failed).toBe(1);
  await kill9(third);
});
