import { inject } from '@ody/core';
import { QueryHandler } from '@ody/cqrs';
import { EventStore } from '@ody/eventsourcing';
import { GetOrder, type Order } from './messages.js';
import { OrdersReadModel } from './plugin.js';
import type { OrdersView } from './view.js';

/**
 * Answers GetOrder from the read model. On a miss it first waits (up to 1 s) for the projection to
 * reach the store's current head, so an order whose command just succeeded is found (read-your-writes).
 */
@QueryHandler(GetOrder)
export class GetOrderHandler {
  constructor(
    @inject(OrdersReadModel) private readonly view: OrdersView,
    @inject(EventStore) private readonly store: EventStore,
  ) {}

  async execute(query: GetOrder): Promise<Order | undefined> {
    const order = this.view.get(query.id);
    if (order !== undefined) return order;
    await this.view.caughtUp(await this.store.headPosition(), 1_000);
    return this.view.get(query.id);
  }
}

/** Handler classes to list in cqrsPlugin({ handlers }); the commands are registered by ordersPlugin (decider). */
export const orderHandlers = [GetOrderHandler];
