import type { AsyncRouteOptions } from '../async/routing.js';
import type { MessageKey } from '../messages/message.js';
import { markAsync, markHandler } from './metadata.js';

/**
 * Mark a class as the handler of a command; list it in `cqrsPlugin({ handlers })`. Twin: `commandBus.register(X, fn)`.
 * @example
 * @CommandHandler(PlaceOrder)
 * class PlaceOrderHandler { constructor(@inject(Orders) private orders: Orders) {}
 *   execute(cmd: PlaceOrder) { return this.orders.place(cmd); } }
 */
export function CommandHandler(command: MessageKey): ClassDecorator {
  return (target) => markHandler(target, { kind: 'command', key: command });
}

/** Mark a class as the handler of a query (it implements `execute`). Twin: `queryBus.register(X, fn)`. */
export function QueryHandler(query: MessageKey): ClassDecorator {
  return (target) => markHandler(target, { kind: 'query', key: query });
}

/** Options of `@EventHandler`. */
export interface EventHandlerDecoratorOptions {
  /** Run in a queue worker instead of inside publish(). */
  async?: boolean;
  /** Queue of an async handler; default the plugin's `eventQueue`. */
  queue?: string;
  /** Stable handler name; default the class name. */
  name?: string;
}

/**
 * Mark a class as a handler of one or more events (it implements `handle`); stack it for several.
 * Twin: `eventBus.register(X, fn, options)`.
 * @example
 * @EventHandler(OrderPlaced, { async: true, queue: 'projections' })
 * class OrderProjection { handle(e: OrderPlaced) { ... } }
 */
export function EventHandler(event: MessageKey, options: EventHandlerDecoratorOptions = {}): ClassDecorator {
  return (target) => markHandler(target, { kind: 'event', key: event, ...options });
}

/**
 * Route a command class to a queue: `commandBus.dispatch(cmd)` queues it and a worker runs it.
 * `attempts`, `backoff` and `timeoutMs` override the plugin defaults. Twin: the plugin's `routes`
 * config (`{ PlaceOrder: 'orders' }` or `{ PlaceOrder: { queue: 'orders', attempts: 5 } }`).
 * @example
 * @Async({ queue: 'orders', attempts: 5, backoff: { type: 'exponential', delayMs: 200 } })
 * class PlaceOrder extends Command<{ orderId: string }> {}
 */
export function Async(options: AsyncRouteOptions): ClassDecorator {
  return (target) => markAsync(target, { ...options });
}
