import { type AnyPlugin, createApplication, inject, OdyError, token } from '@ody/core';
import { queuePlugin } from '@ody/queue';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Async, CommandHandler, EventHandler, QueryHandler } from '../decorators/decorators.js';
import { Command, Event, Query } from '../messages/message.js';
import { AsyncRuntime, CommandBus, CommandStatusStore, EventBus, QueryBus } from '../tokens.js';
import { cqrsPlugin } from './plugin.js';

const Orders = token<Map<string, number>>('test/cqrs/Orders');

@Async({ queue: 'orders' })
class PlaceOrder extends Command<string> {
  static schema = z.object({ sku: z.string().min(2) });
  constructor(readonly sku: string) {
    super();
  }
}
class OrderPlaced extends Event {
  constructor(readonly id: string) {
    super();
  }
}
class CountOrders extends Query<number> {}

@CommandHandler(PlaceOrder)
class PlaceOrderHandler {
  constructor(
    @inject(Orders) private readonly orders: Map<string, number>,
    @inject(EventBus) private readonly events: EventBus,
  ) {}
  async execute(_cmd: PlaceOrder): Promise<string> {
    const id = `o-${this.orders.size + 1}`;
    this.orders.set(id, 1);
    await this.events.publish(new OrderPlaced(id));
    return id;
  }
}

@QueryHandler(CountOrders)
class CountOrdersHandler {
  constructor(@inject(Orders) private readonly orders: Map<string, number>) {}
  execute(): number {
    return this.orders.size;
  }
}

const projected: string[] = [];
@EventHandler(OrderPlaced, { async: true, queue: 'projections' })
class Projector {
  handle(e: OrderPlaced) {
    projected.push(e.id);
  }
}

const ordersPlugin = () => ({
  name: 'orders-store',
  register(ctx: { bind: (t: typeof Orders) => { toValue(v: Map<string, number>): void } }) {
    ctx.bind(Orders).toValue(new Map());
  },
});

async function app(plugins: AnyPlugin[], config: Record<string, unknown> = {}) {
  const { definePlugin } = await import('@ody/core');
  const list = plugins ?? [];
  const withQueue = list.some((p) => p.name === 'queue');
  return createApplication({
    envFile: false,
    env: {},
    logger: { destination: { write: () => true } as never },
    config: { app: { logLevel: 'silent' }, ...(withQueue ? { queue: { driver: 'memory' } } : {}), ...config },
    plugins: [definePlugin(ordersPlugin()), ...list],
  });
}

describe('cqrsPlugin', () => {
  it('builds DI handlers, executes sync, dispatches async and runs async event handlers in workers', async () => {
    const a = await app([queuePlugin(), cqrsPlugin({ handlers: [PlaceOrderHandler, CountOrdersHandler, Projector] })], {
      cqrs: { worker: { waitMs: 50 } },
    });
    await a.start();
    try {
      const commands = a.get(CommandBus);
      expect(await commands.execute(new PlaceOrder('ab'))).toBe('o-1');
      const { commandId } = await commands.dispatch(new PlaceOrder('cd'));
      expect(await commands.wait(commandId, { timeoutMs: 10_000 })).toBe('o-2');
      expect(await a.get(QueryBus).execute(new CountOrders())).toBe(2);
      await expect(commands.execute(new PlaceOrder('x'))).rejects.toMatchObject({ code: 'ODY_CQRS_VALIDATION' });
      for (let i = 0; projected.length < 2 && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
      expect(projected.sort()).toEqual(['o-1', 'o-2']);
      expect(a.get(CommandStatusStore).name).toBe('memory');
      expect(a.get(AsyncRuntime).queueNames()).toEqual(['orders', 'projections']);
    } finally {
      await a.stop();
    }
  });

  it('fails start-up naming a query without a handler', async () => {
    const a = await app([cqrsPlugin({ messages: { queries: [CountOrders] } })]);
    const err = await a.start().catch((e: unknown) => e);
    expect(OdyError.is(err, 'ODY_BOOT_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/Query 'CountOrders' has no handler/);
    expect(OdyError.is((err as Error).cause, 'ODY_CQRS_NO_HANDLER')).toBe(true);
  });

  it('config backoff takes the queue shape in ms (delayMs); the old `delay` key is refused at start', async () => {
    const ok = await app([cqrsPlugin()], { cqrs: { backoff: { type: 'exponential', delayMs: 50, maxDelayMs: 1000 } } });
    await ok.start();
    await ok.stop();
    const err = await app([cqrsPlugin()], { cqrs: { backoff: { type: 'exponential', delay: 50 } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/backoff/);
  });

  it('fails start-up naming a command with two handlers', async () => {
    @CommandHandler(PlaceOrder)
    class Second {
      execute() {
        return 'dup';
      }
    }
    const a = await app([queuePlugin(), cqrsPlugin({ handlers: [PlaceOrderHandler, Second] })]);
    const err = await a.start().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Command 'PlaceOrder' has two handlers: 'PlaceOrderHandler' and 'Second'/);
  });

  it('a worker process needs the async command handler; a producer-only process does not', async () => {
    const worker = await app([queuePlugin(), cqrsPlugin({ messages: { commands: [PlaceOrder] } })]);
    await expect(worker.start()).rejects.toThrow(/Command 'PlaceOrder' has no handler/);
    const producer = await app([queuePlugin(), cqrsPlugin({ messages: { commands: [PlaceOrder] } })], {
      cqrs: { worker: { enabled: false } },
    });
    await producer.start();
    const receipt = await producer.get(CommandBus).dispatch(new PlaceOrder('ab'));
    expect(receipt.status).toBe('queued');
    await producer.stop();
  });

  it('refuses a routing table entry that names no registered command, and async work without a queue', async () => {
    const a = await app([queuePlugin(), cqrsPlugin()], { cqrs: { routes: { PlaceOrdr: 'orders' } } });
    await expect(a.start()).rejects.toThrow(/cqrs.routes names 'PlaceOrdr'/);
    const b = await app([cqrsPlugin({ handlers: [Projector] })]);
    await expect(b.start()).rejects.toThrow(/no queue plugin is loaded/);
  });
});
