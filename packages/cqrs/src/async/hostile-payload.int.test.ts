import { memoryDriver } from '@ody/queue';
import { expect, it } from 'vitest';
import { createBuses } from '../buses/create.js';
import { Command } from '../messages/message.js';
import { queuesOn } from '../test-support/harness.js';
import { MemoryStatusStore } from './memory-status-store.js';
import { createAsyncCommands } from './runtime.js';

class Rename extends Command<string> {
  declare readonly to: string;
}

// Regression: a schema-less payload with a `__proto__` key was rebuilt with Object.assign, which
// replaced the command's prototype; the bus then refused it as a plain error and it was retried 3 times.
it('an async command whose payload carries __proto__ fails at once (one attempt) with ODY_CQRS_VALIDATION; the handler never runs', async () => {
  const driver = memoryDriver();
  const buses = createBuses();
  let runs = 0;
  buses.commandBus.register(Rename, (cmd) => {
    runs++;
    return `renamed to ${cmd.to}`;
  });
  const runtime = createAsyncCommands({ buses, store: new MemoryStatusStore(), queues: queuesOn(driver), routes: { Rename: 'renames' }, defaults: { attempts: 3, backoff: 1 } });
  runtime.startWorkers();
  try {
    // What a hostile producer hands a worker: a well-formed envelope whose payload has an own `__proto__` key.
    const payload = JSON.parse('{"__proto__":{"to":"evil"},"to":"ok"}') as Record<string, unknown>;
    const commandId = 'hostile-1';
    const envelope = { v: 1, kind: 'command', commandId, name: 'Rename', payload, correlationId: 'c-1' };
    await queuesOn(driver).queue('renames').push('Rename', envelope, { jobId: commandId, attempts: 3, backoff: 1 });
    await expect(buses.commandBus.wait(commandId, { timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'ODY_CQRS_COMMAND_FAILED' });
    const status = await buses.commandBus.status(commandId);
    expect(status).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'ODY_CQRS_VALIDATION' } });
    expect(runs).toBe(0);
    const failed = await queuesOn(driver).queue('renames').failed.list();
    expect(failed).toHaveLength(1);
    expect(failed[0]!.attemptsMade).toBe(1);
  } finally {
    await runtime.close({ timeoutMs: 1000 });
    await driver.close();
  }
});
