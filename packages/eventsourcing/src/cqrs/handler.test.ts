import { runInContext } from '@ody/core';
import { correlation, createBuses, defineEvent, Event, messageMeta } from '@ody/cqrs';
import { memoryDriver, Queue } from '@ody/queue';
import { describe, expect, it } from 'vitest';
import { Counter, type OrderCommand, orderDecider, orderTypes } from '../fixtures/domain.js';
import { memoryEventStore } from '../memory/store.js';
import { eventTypes } from '../model/registry.js';
import { aggregateRepository, deciderRepository } from '../model/repository.js';
import { aggregateCommandHandler, deciderCommandHandler } from './handler.js';

class OrderPlaced extends Event {
  static readonly type = 'OrderPlaced';
  declare readonly sku: string;
  declare readonly qty: number;
  describe() {
    return `${this.qty}× ${this.sku}`;
  }
}
const ItemAdded = defineEvent<{ sku: string; qty: number }>('ItemAdded');

describe('command handler: load → decide → append → publish', () => {
  it('runs a CQRS command end to end: events stored with ids from the context, on the bus and on a queue', async () => {
    const store = memoryEventStore();
    const { commandBus, eventBus } = createBuses();
    commandBus.use(correlation());
    eventBus.use(correlation());
    const queue = new Queue('order-events', { driver: memoryDriver() });
    const orders = deciderRepository(orderDecider, { store, types: orderTypes(), streamName: (id) => `order-${id}` });
    const seen: string[] = [];
    const metas: unknown[] = [];
    eventBus.register(OrderPlaced, (e) => {
      seen.push(`placed ${e.describe()}`);
      metas.push(messageMeta(e));
    });
    eventBus.register(ItemAdded, (e) => {
      seen.push(`added ${e.sku}`);
    });
    const place = deciderCommandHandler({ repository: orders, id: (c: OrderCommand) => c.orderId, eventBus, queue });
    const add = deciderCommandHandler({ repository: orders, id: (c: OrderCommand) => c.orderId, eventBus, queue, result: (s) => s.state.lines });
    // String-keyed registrations hand the handler an untyped message; the domain command type is ours.
    commandBus.register('PlaceOrder', (m) => place(m as OrderCommand));
    commandBus.register('AddItem', (m) => add(m as OrderCommand));

    const result = await runInContext({ correlationId: 'corr-42' }, () => commandBus.execute({ type: 'PlaceOrder', orderId: '7', sku: 'a', qty: 2 }));
    expect(result).toEqual({ id: '7', version: 1 });
    expect(await commandBus.execute({ type: 'AddItem', orderId: '7', sku: 'b', qty: 1 })).toBe(2);
    // The bus built the registered class from the stored data (never from a name in the payload).
    expect(seen).toEqual(['placed 2× a', 'added b']);

    const [placed] = await store.read('order-7');
    expect(placed!.metadata.correlationId).toBe('corr-42');
    expect(typeof placed!.metadata.causationId).toBe('string');
    expect(metas[0]).toMatchObject({ id: placed!.id, correlationId: 'corr-42', causationId: placed!.metadata.causationId });

    const jobs = await queue.driver.claim('order-events', { max: 10, leaseMs: 1000, waitMs: 0 });
    expect(jobs.map((j) => j.name).sort()).toEqual(['ItemAdded', 'OrderPlaced']);
    await queue.driver.close();
  });

  it('wires a class aggregate the same way', async () => {
    const store = memoryEventStore();
    const { commandBus, eventBus } = createBuses();
    const counters = aggregateRepository(() => new Counter(), { store, types: eventTypes().register('Incremented') });
    const published: number[] = [];
    eventBus.register('Incremented', (e) => {
      published.push((e as unknown as { by: number }).by);
    });
    type Increment = { type: 'Increment'; id: string; by: number };
    const increment = aggregateCommandHandler({ repository: counters, id: (c: Increment) => c.id, act: (counter, c) => counter.increment(c.by), eventBus, result: (s) => s.state.total });
    commandBus.register('Increment', (m) => increment(m as Increment));
    expect(await commandBus.execute({ type: 'Increment', id: 'x', by: 3 })).toBe(3);
    expect(await commandBus.execute({ type: 'Increment', id: 'x', by: 4 })).toBe(7);
    await expect(commandBus.execute({ type: 'Increment', id: 'x', by: -1 })).rejects.toThrow('increment must be positive');
    expect(published).toEqual([3, 4]);
    expect(await store.streamVersion('x')).toBe(2);
  });
});
