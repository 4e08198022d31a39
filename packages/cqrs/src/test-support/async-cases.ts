import { currentContext, runInContext } from '@ody/core';
import { UnrecoverableError } from '@ody/queue';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import type { Backend } from './harness.js';
import { createBuses } from '../buses/create.js';
import { Async } from '../decorators/decorators.js';
import { Command, Event } from '../messages/message.js';
import { correlation, messageMeta } from '../middleware/correlation.js';
import { type AsyncRuntime, createAsyncCommands } from '../async/runtime.js';

@Async({ queue: 'orders', attempts: 3, backoff: 1 })
class PlaceOrder extends Command<{ orderId: string }> {
  static schema = z.object({ sku: z.string().min(2), qty: z.number().int().positive() });
  constructor(
    readonly sku: string,
    readonly qty: number,
  ) {
    super();
  }
}
class OrderPlaced extends Event {
  constructor(readonly orderId: string) {
    super();
  }
}
class Flaky extends Command<string> {}

/** The queue's failed store once it holds `count` jobs (bounded wait). */
async function failedJobs(backend: Backend, queue: string, count: number) {
  let failed = await backend.queues.queue(queue).failed.list();
  for (let i = 0; failed.length < count && i < 500; i++) {
    await new Promise((r) => setTimeout(r, 10));
    failed = await backend.queues.queue(queue).failed.list();
  }
  return failed;
}

/**
 * The async command cases every queue driver + status store pair runs (memory, filesystem, Redis):
 * status transitions, wait, retries then failure, idempotency, unknown/malformed payloads, correlation.
 * Call inside a describe.
 */
export function asyncCommandCases(makeBackend: () => Promise<Backend>): void {
  let backend: Backend;
  let runtime: AsyncRuntime | undefined;
  afterEach(async () => {
    await runtime?.close({ timeoutMs: 2000 });
    runtime = undefined;
    await backend?.close();
  });

  async function setup(configure: (b: ReturnType<typeof createBuses>) => void) {
    backend = await makeBackend();
    const buses = createBuses();
    configure(buses);
    runtime = createAsyncCommands({
      buses,
      store: backend.store,
      queues: backend.queues,
      routes: { Flaky: { queue: 'flaky', attempts: 3, backoff: 1 } },
      worker: { waitMs: 50, leaseMs: 5000 },
    });
    return buses;
  }

  it('dispatch → queued, then running, then succeeded(result); wait resolves with the result', async () => {
    const states: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { commandBus } = await setup(({ commandBus }) => {
      commandBus.register(PlaceOrder, async (cmd) => {
        await gate;
        return { orderId: `o-${cmd.sku}-${cmd.qty}` };
      });
    });
    const receipt = await commandBus.dispatch(new PlaceOrder('ab', 2));
    expect(receipt).toMatchObject({ status: 'queued', duplicate: false });
    backend.store.watch(receipt.commandId, (r) => states.push(r.state));
    await backend.store.watchReady?.(receipt.commandId);
    expect((await commandBus.status(receipt.commandId))?.state).toBe('queued');
    runtime!.startWorkers();
    while ((await commandBus.status(receipt.commandId))?.state !== 'running') await new Promise((r) => setTimeout(r, 5));
    release();
    expect(await commandBus.wait(receipt.commandId, { timeoutMs: 10_000 })).toEqual({ orderId: 'o-ab-2' });
    expect(await commandBus.status(receipt.commandId)).toMatchObject({ state: 'succeeded', attempts: 1, name: 'PlaceOrder', queue: 'orders' });
    // wait() may read the finished file before this process's watcher is told; let it catch up.
    for (let i = 0; states.length < 2 && i < 100; i++) await new Promise((r) => setTimeout(r, 5));
    expect(states).toEqual(['running', 'succeeded']);
  });

  it('retries with backoff, then records failed(error, attempts) and wait throws it', async () => {
    let calls = 0;
    const { commandBus } = await setup(({ commandBus }) => {
      commandBus.register(Flaky, () => {
        calls++;
        throw new Error(`flake ${calls}`);
      });
    });
    runtime!.startWorkers();
    const { commandId } = await commandBus.dispatch(new Flaky());
    const err = await commandBus.wait(commandId, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ODY_CQRS_COMMAND_FAILED', details: { attempts: 3, error: { message: 'flake 3' } } });
    expect(calls).toBe(3);
    expect(await commandBus.status(commandId)).toMatchObject({ state: 'failed', attempts: 3 });
    // The status is recorded before the worker acks the job (Redis batches acks): let the ack land.
    const failed = await failedJobs(backend, 'flaky', 1);
    expect(failed.map((f) => f.id)).toEqual([commandId]);
  });

  it('succeeds on a later attempt after retries', async () => {
    let calls = 0;
    const { commandBus } = await setup(({ commandBus }) => {
      commandBus.register(Flaky, () => {
        if (++calls < 3) throw new Error('not yet');
        return 'third time';
      });
    });
    runtime!.startWorkers();
    const { commandId } = await commandBus.dispatch(new Flaky());
    expect(await commandBus.wait(commandId, { timeoutMs: 10_000 })).toBe('third time');
    expect(await commandBus.status(commandId)).toMatchObject({ state: 'succeeded', attempts: 3 });
  });

  it('does not retry UnrecoverableError', async () => {
    let calls = 0;
    const { commandBus } = await setup(({ commandBus }) => {
      commandBus.register(Flaky, () => {
        calls++;
        throw new UnrecoverableError('out of stock');
      });
    });
    runtime!.startWorkers();
    const { commandId } = await commandBus.dispatch(new Flaky());
    await expect(commandBus.wait(commandId, { timeoutMs: 10_000 })).rejects.toMatchObject({ details: { attempts: 1 } });
    expect(calls).toBe(1);
    const [failed] = await failedJobs(backend, 'flaky', 1);
    expect(failed).toMatchObject({ id: commandId, reason: 'unrecoverable' });
  });

  it('an idempotency key dispatched twice yields one commandId and one run', async () => {
    let calls = 0;
    const { commandBus } = await setup(({ commandBus }) => {
      commandBus.register(PlaceOrder, (cmd) => ({ orderId: `${cmd.sku}-${++calls}` }));
    });
    const a = await commandBus.dispatch(new PlaceOrder('ab', 1), { idempotencyKey: 'cart-7' });
    const b = await commandBus.dispatch(new PlaceOrder('ab', 1), { idempotencyKey: 'cart-7' });
    expect(b).toEqual({ commandId: a.commandId, status: 'queued', duplicate: true });
    runtime!.startWorkers();
    expect(await commandBus.wait(a.commandId, { timeoutMs: 10_000 })).toEqual({ orderId: 'ab-1' });
    const c = await commandBus.dispatch(new PlaceOrder('ab', 1), { idempotencyKey: 'cart-7' });
    expect(c).toEqual({ commandId: a.commandId, status: 'succeeded', duplicate: true });
    expect(calls).toBe(1);
  });

  it('rejects an invalid command at dispatch, and a non-async one', async () => {
    const { commandBus } = await setup(({ commandBus }) => {
      commandBus.register(PlaceOrder, () => ({ orderId: 'x' }));
      commandBus.register('Local', () => 1);
    });
    await expect(commandBus.dispatch(new PlaceOrder('a', 0))).rejects.toMatchObject({ code: 'ODY_CQRS_VALIDATION' });
    await expect(commandBus.dispatch({ type: 'Local' })).rejects.toMatchObject({ code: 'ODY_CQRS_NOT_ASYNC' });
    await expect(commandBus.wait('nope')).rejects.toMatchObject({ code: 'ODY_CQRS_COMMAND_NOT_FOUND' });
  });

  it('an unknown type, a malformed payload and a foreign job land in the failed store with a clear reason', async () => {
    let calls = 0;
    await setup(({ commandBus }) => {
      commandBus.register(PlaceOrder, () => ({ orderId: String(++calls) }));
    });
    runtime!.startWorkers();
    const orders = backend.queues.queue('orders');
    const envelope = (name: string, payload: object, commandId: string) => ({ v: 1, kind: 'command', commandId, name, payload, correlationId: 'c' });
    await orders.push('Evil', envelope('child_process', { cmd: 'rm -rf' }, 'u1'), { jobId: 'u1', attempts: 3 });
    await orders.push('PlaceOrder', envelope('PlaceOrder', { sku: 1, qty: 'many' }, 'u2'), { jobId: 'u2', attempts: 3 });
    await orders.push('Raw', { hello: 'world' }, { jobId: 'u3', attempts: 3 });
    let failed = await orders.failed.list();
    for (let i = 0; failed.length < 3 && i < 400; i++) {
      await new Promise((r) => setTimeout(r, 10));
      failed = await orders.failed.list();
    }
    const byId = Object.fromEntries(failed.map((f) => [f.id, f]));
    expect(byId.u1).toMatchObject({ reason: 'unrecoverable', attemptsMade: 1 });
    expect(byId.u1!.errors.at(-1)!.message).toMatch(/ODY_CQRS_UNKNOWN_MESSAGE: No command type is registered under the name 'child_process'/);
    expect(byId.u2!.errors.at(-1)!.message).toMatch(/ODY_CQRS_VALIDATION: Payload of 'PlaceOrder' is invalid/);
    expect(byId.u3!.errors.at(-1)!.message).toMatch(/not a CQRS message envelope/);
    expect(calls).toBe(0);
  });

  it('carries the correlation id through an async command into its async events, with the command id as causation', async () => {
    const seen: Array<{ correlationId?: string; causationId?: string; eventId?: string; ctxCausation?: string }> = [];
    const { commandBus } = await setup(({ commandBus, eventBus }) => {
      commandBus.use(correlation());
      eventBus.use(correlation());
      commandBus.register(PlaceOrder, async (cmd) => {
        await eventBus.publish(new OrderPlaced(`o-${cmd.sku}`));
        return { orderId: `o-${cmd.sku}` };
      });
      eventBus.register(
        OrderPlaced,
        function projector(e) {
          const meta = messageMeta(e);
          seen.push({ ...meta, eventId: meta?.id, ctxCausation: currentContext()?.causationId });
        },
        { async: true, queue: 'projections' },
      );
    });
    expect(runtime!.queueNames()).toEqual(['orders', 'projections']);
    runtime!.startWorkers();
    const { commandId } = await runInContext({ correlationId: 'req-42' }, () => commandBus.dispatch(new PlaceOrder('ab', 1)));
    await commandBus.wait(commandId, { timeoutMs: 10_000 });
    for (let i = 0; seen.length === 0 && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await commandBus.status(commandId)).toMatchObject({ correlationId: 'req-42' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ correlationId: 'req-42', causationId: commandId });
    expect(seen[0]!.ctxCausation).toBe(seen[0]!.eventId);
  });
}
