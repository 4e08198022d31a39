import { z } from '@ody/core';
import { Async, Command, Event, Query } from '@ody/cqrs';

/** An order as stored and returned by GET /orders/:id. */
export interface Order {
  id: string;
  sku: string;
  qty: number;
  placedAt: string;
}

/** Place an order. Async: POST /orders answers 202 at once and a queue worker runs the handler. */
@Async({ queue: 'orders', attempts: 3, backoff: { type: 'exponential', delayMs: 200 } })
export class PlaceOrder extends Command<{ orderId: string }> {
  static schema = z.object({ orderId: z.string().min(1), sku: z.string().min(1).max(64), qty: z.number().int().min(1).max(1000) });
  constructor(
    readonly orderId: string,
    readonly sku: string,
    readonly qty: number,
  ) {
    super();
  }
}

/** Published once an order is stored. */
export class OrderPlaced extends Event {
  constructor(readonly orderId: string) {
    super();
  }
}

/** Read one order. */
export class GetOrder extends Query<Order | undefined> {
  constructor(readonly id: string) {
    super();
  }
}
