import { Async, Command, Event, Query } from '@ody/cqrs';
import { z } from '@ody/core';

/** An order as the read model keeps it and GET /orders/:id returns it. */
export interface Order {
  id: string;
  sku: string;
  qty: number;
  status: 'placed' | 'cancelled';
  placedAt: string;
  cancelledAt?: string;
  /** Version of the order's stream this view includes. */
  version: number;
}

/** Place an order; runs in a queue worker (async), so POST /orders answers 202 at once. */
@Async({ queue: 'orders', attempts: 3, backoff: { type: 'exponential', delayMs: 200 } })
export class PlaceOrder extends Command<{ orderId: string; version: number }> {
  static schema = z.object({ orderId: z.string().min(1), sku: z.string().min(1).max(64), qty: z.number().int().min(1).max(1000) });
  constructor(
    readonly orderId: string,
    readonly sku: string,
    readonly qty: number,
  ) {
    super();
  }
}

/** Cancel a placed order; runs inline (POST /orders/:id/cancel answers with the new version). */
export class CancelOrder extends Command<{ orderId: string; version: number }> {
  static schema = z.object({ orderId: z.string().min(1), reason: z.string().max(200).optional() });
  constructor(
    readonly orderId: string,
    readonly reason?: string,
  ) {
    super();
  }
}

/**
 * Published on the EventBus once an order's OrderPlaced event is stored (built from the stored event's
 * data through the bus's message registry).
 */
export class OrderPlaced extends Event {
  constructor(
    readonly orderId: string,
    readonly sku: string,
    readonly qty: number,
    readonly placedAt: string,
  ) {
    super();
  }
}

/** Read one order from the read model. */
export class GetOrder extends Query<Order | undefined> {
  static schema = z.object({ id: z.string().min(1) });
  constructor(readonly id: string) {
    super();
  }
}
