import { createBuses, defineCommand, type MessageOf } from '@ody/cqrs';
import { memoryDriver, Queue } from '@ody/queue';
import { expect, it } from 'vitest';
import { type Decider, type DomainEvent, deciderCommandHandler, deciderRepository, eventTypes, memoryEventStore } from '../index.js';

const PlaceOrder = defineCommand<{ orderId: string; sku: string; qty: number }, { orderId: string; version: number }>('PlaceOrder');
type PlaceOrder = MessageOf<typeof PlaceOrder>;
type OrderPlaced = DomainEvent<'OrderPlaced', { orderId: string; sku: string; qty: number }>;
const order: Decider<PlaceOrder, { placed: boolean }, OrderPlaced> = {
  initialState: () => ({ placed: false }),
  decide: (c, s) => {
    if (s.placed) throw new Error('exists');
    return [{ type: 'OrderPlaced', data: { orderId: c.orderId, sku: c.sku, qty: c.qty } }];
  },
  evolve: () => ({ placed: true }),
};

it('types a defineCommand end to end: command → decider → bus result', async () => {
  const { commandBus, eventBus } = createBuses();
  const store = memoryEventStore();
  const orders = deciderRepository(order, { store, types: eventTypes().register('OrderPlaced'), streamName: (id) => `order-${id}` });
  const queue = new Queue('order-events', { driver: memoryDriver() });
  commandBus.register(PlaceOrder, deciderCommandHandler({ repository: orders, id: (c) => c.orderId, eventBus, queue, result: (saved, c) => ({ orderId: c.orderId, version: saved.version }) }));
  const r: { orderId: string; version: number } = await commandBus.execute(PlaceOrder({ orderId: '1', sku: 'a', qty: 1 }));
  expect(r).toEqual({ orderId: '1', version: 1 });
  await queue.driver.close();
});
