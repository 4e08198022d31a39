import { inject } from '@ody/core';
import { CommandHandler, EventBus, QueryHandler } from '@ody/cqrs';
import { GetOrder, type Order, OrderPlaced, PlaceOrder } from './messages.js';
import { Orders, type OrderStore } from './store.js';

/** Stores the order; idempotent per orderId, so a redelivered command does not place it twice. */
@CommandHandler(PlaceOrder)
export class PlaceOrderHandler {
  constructor(
    @inject(Orders) private readonly orders: OrderStore,
    @inject(EventBus) private readonly events: EventBus,
  ) {}

  async execute(cmd: PlaceOrder): Promise<{ orderId: string }> {
    if (!this.orders.get(cmd.orderId)) {
      const order: Order = { id: cmd.orderId, sku: cmd.sku, qty: cmd.qty, placedAt: new Date().toISOString() };
      this.orders.put(order);
      await this.events.publish(new OrderPlaced(order.id));
    }
    return { orderId: cmd.orderId };
  }
}

/** Answers GetOrder from the store. */
@QueryHandler(GetOrder)
export class GetOrderHandler {
  constructor(@inject(Orders) private readonly orders: OrderStore) {}

  execute(query: GetOrder): Order | undefined {
    return this.orders.get(query.id);
  }
}

/** Handler classes for cqrsPlugin({ handlers }). */
export const orderHandlers = [PlaceOrderHandler, GetOrderHandler];
