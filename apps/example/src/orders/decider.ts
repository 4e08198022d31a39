import { z } from '@ody/core';
import { type Decider, type DomainEvent, eventTypes } from '@ody/eventsourcing';
import { ConflictError, NotFoundError } from '@ody/http';
import { type CancelOrder, PlaceOrder } from './messages.js';

const OrderPlacedData = z.object({ orderId: z.string(), sku: z.string(), qty: z.number().int(), placedAt: z.string() });
const OrderCancelledData = z.object({ orderId: z.string(), reason: z.string().optional(), cancelledAt: z.string() });

/** The events of an order's stream (`order-<id>`). */
export type OrderEvent = DomainEvent<'OrderPlaced', z.output<typeof OrderPlacedData>> | DomainEvent<'OrderCancelled', z.output<typeof OrderCancelledData>>;

/** What deciding needs to know about an order (folded from its events). */
export type OrderState = { status: 'new' } | { status: 'placed' | 'cancelled'; sku: string; qty: number };

/** The order's event types: only these deserialise, each checked against its schema on write and read. */
export const orderEventTypes = () => eventTypes().register('OrderPlaced', { schema: OrderPlacedData }).register('OrderCancelled', { schema: OrderCancelledData });

/** Stream of an order. */
export const orderStream = (orderId: string) => `order-${orderId}`;

/**
 * The order decider: PlaceOrder on a new order → OrderPlaced; again (a redelivered queue job) → nothing,
 * so a retry never places twice. CancelOrder on a placed order → OrderCancelled; on an unknown order →
 * 404; on a cancelled one → 409.
 */
export const orderDecider: Decider<PlaceOrder | CancelOrder, OrderState, OrderEvent> = {
  initialState: () => ({ status: 'new' }),
  decide(command, state) {
    const now = new Date().toISOString();
    if (command instanceof PlaceOrder) {
      if (state.status !== 'new') return [];
      return [{ type: 'OrderPlaced', data: { orderId: command.orderId, sku: command.sku, qty: command.qty, placedAt: now } }];
    }
    // Domain rules answer as HTTP errors directly: this example's commands come from HTTP routes.
    if (state.status === 'new') throw new NotFoundError(`No order '${command.orderId}'.`);
    if (state.status === 'cancelled') throw new ConflictError(`Order '${command.orderId}' is already cancelled.`);
    return [{ type: 'OrderCancelled', data: { orderId: command.orderId, cancelledAt: now, ...(command.reason === undefined ? {} : { reason: command.reason }) } }];
  },
  evolve(state, event) {
    if (event.type === 'OrderPlaced') return { status: 'placed', sku: event.data.sku, qty: event.data.qty };
    return state.status === 'new' ? state : { ...state, status: 'cancelled' };
  },
};
