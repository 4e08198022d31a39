import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesystemDriver } from '@ody/queue';
import { afterEach, expect, it } from 'vitest';
import { startCommandWorker } from '../test-support/command-worker.js';
import { queuesOn, tempDir } from '../test-support/harness.js';
import { SlowCommand } from '../test-support/fixtures/messages.js';
import { createBuses } from '../buses/create.js';
import { FilesystemStatusStore } from './fs-status-store.js';
import { createAsyncCommands } from './runtime.js';

const children: ChildProcess[] = [];
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

it('a worker process SIGKILLed mid-command: the command is redelivered and completes once', async () => {
  const { dir, remove } = tempDir('ody-cqrs-crash-');
  const driver = filesystemDriver({ dir: join(dir, 'queue'), durable: true });
  cleanups.push(remove, () => driver.close());
  const buses = createBuses();
  buses.registry.register('command', SlowCommand);
  const producer = createAsyncCommands({ buses, store: new FilesystemStatusStore(join(dir, 'status')), queues: queuesOn(driver) });
  const { commandBus } = buses;

  writeFileSync(join(dir, 'hang'), '');
  const { commandId } = await commandBus.dispatch(new SlowCommand('hello'));
  const first = await startCommandWorker(dir, children);
  // Mid-command: the handler has started (its log line is written), not just the status.
  const started = () => existsSync(join(dir, 'log')) && readFileSync(join(dir, 'log'), 'utf8').includes(`start ${first.pid}`);
  for (let i = 0; !started() && i < 1000; i++) await new Promise((r) => setTimeout(r, 10));
  expect((await commandBus.status(commandId))?.state).toBe('running');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));

  rmSync(join(dir, 'hang'));
  const second = await startCommandWorker(dir, children);
  const result = (await commandBus.wait(commandId, { timeoutMs: 20_000 })) as { echoed: string; by: number };
  expect(result).toEqual({ echoed: 'hello', by: second.pid });
  second.kill('SIGTERM');
  await new Promise((r) => second.once('exit', r));

  const log = readFileSync(join(dir, 'log'), 'utf8').trim().split('\n');
  expect(log).toEqual([`start ${first.pid}`, `start ${second.pid}`, `done ${second.pid}`]);
  expect(await commandBus.status(commandId)).toMatchObject({ state: 'succeeded', result: { echoed: 'hello', by: second.pid } });
  expect((await driver.counts('slow')).failed).toBe(0);
  void producer;
});
