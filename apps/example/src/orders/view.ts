import type { AsyncProjection, RecordedEvent } from '@ody/eventsourcing';
import { type OrderEvent, orderEventTypes } from './decider.js';
import type { Order } from './messages.js';

/**
 * The orders read model: an async projection folds every order event into a map that GET /orders/:id
 * reads. It lives in this process's memory, so the app runs it with memory checkpoints: at start it
 * replays the store from position 0 (each HTTP worker builds its own copy).
 */
export class OrdersView {
  private readonly orders = new Map<string, Order>();
  private readonly types = orderEventTypes();
  private position = 0;
  private readonly waiters = new Set<{ position: number; wake: () => void }>();

  /** The projection to hand to `eventStorePlugin({ projections })`. No filter: its position follows the store's head. */
  readonly projection: AsyncProjection = {
    name: 'orders-view',
    handle: (events) => {
      for (const e of events) this.apply(e);
      this.position = events.at(-1)?.globalPosition ?? this.position;
      for (const w of this.waiters) if (w.position <= this.position) w.wake();
    },
    reset: () => {
      this.orders.clear();
      this.position = 0;
    },
  };

  /** One order, as of the last projected event. */
  get(id: string): Order | undefined {
    return this.orders.get(id);
  }

  /** Resolves once the view has projected `position` (read-your-writes), or after `timeoutMs`. */
  async caughtUp(position: number, timeoutMs: number): Promise<void> {
    if (position <= this.position) return;
    let timer: NodeJS.Timeout | undefined;
    const waiter = { position, wake: () => {} };
    try {
      await new Promise<void>((resolve) => {
        waiter.wake = resolve;
        timer = setTimeout(resolve, timeoutMs);
        this.waiters.add(waiter);
      });
    } finally {
      clearTimeout(timer);
      this.waiters.delete(waiter);
    }
  }

  private apply(recorded: RecordedEvent): void {
    // Only the order's registered types are read, upcast and schema-checked (never a type named by the payload).
    if (!this.types.has(recorded.type)) return;
    const event = this.types.fromRecorded<OrderEvent>(recorded);
    const id = event.data.orderId;
    if (event.type === 'OrderPlaced') {
      const { sku, qty, placedAt } = event.data;
      this.orders.set(id, { id, sku, qty, status: 'placed', placedAt, version: recorded.streamPosition });
      return;
    }
    const order = this.orders.get(id);
    if (order !== undefined) this.orders.set(id, { ...order, status: 'cancelled', cancelledAt: event.data.cancelledAt, version: recorded.streamPosition });
  }
}
