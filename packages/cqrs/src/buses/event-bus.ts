import { CqrsError } from '../errors.js';
import { lookupKeyOf, nameOfHandler, nameOfMessage } from '../messages/keys.js';
import type { MessageKey, MessageOf } from '../messages/message.js';
import { MessageRegistry } from '../messages/registry.js';
import { compose, type Terminal } from '../middleware/compose.js';
import type { MessageInfo, BusMiddleware, BusNext } from '../middleware/types.js';
import { eventFailure, type HandlerFailure } from './event-failures.js';
import type { EventHandlerLike } from './handlers.js';

/** Options of an event handler registration. */
export interface EventHandlerOptions {
  /** Stable handler name (async jobs name it); default: the class or function name. */
  name?: string;
  /** Run the handler in a queue worker instead of inside publish(). */
  async?: boolean;
  /** Queue for an async handler; default the cqrs plugin's `eventQueue`. */
  queue?: string;
}

/** One handler of one event type. */
export interface EventRoute {
  readonly info: MessageInfo;
  readonly async: boolean;
  readonly queue?: string;
  /** The handler through the middleware pipeline, in this process. */
  run: BusNext;
  /** What publish() calls: `run`, or enqueueing for async handlers. */
  deliver: BusNext;
  readonly terminal: Terminal;
}

/** Enqueues an event for one async handler (set up by the async side). */
export type EventEnqueuer = (event: object, route: EventRoute) => Promise<unknown>;

/**
 * Delivers each event to all its handlers; publish() awaits them, one failure does not stop the
 * others, and every failure is reported together (ODY_CQRS_EVENT_HANDLERS_FAILED).
 */
export class EventBusImpl {
  private readonly routes = new Map<unknown, EventRoute[]>();
  private readonly middleware: BusMiddleware[] = [];
  private enqueue?: EventEnqueuer;

  constructor(readonly registry: MessageRegistry = new MessageRegistry()) {}

  /** Add middleware (outermost first); every route is recomposed once, here. */
  use(...middleware: BusMiddleware[]): this {
    this.middleware.push(...middleware);
    for (const list of this.routes.values()) for (const r of list) r.run = compose(this.middleware, r.terminal, r.info);
    return this;
  }

  /** Add a handler of an event type; many per type are allowed (names must differ). */
  register<K extends MessageKey>(event: K, handler: EventHandlerLike<MessageOf<K>>, options: EventHandlerOptions = {}): this {
    const registered = this.registry.register('event', event);
    const lookup = lookupKeyOf(event);
    const name = options.name ?? nameOfHandler(handler);
    const list = this.routes.get(lookup) ?? [];
    if (list.some((r) => r.info.handler === name)) {
      throw new CqrsError(
        'ODY_CQRS_DUPLICATE_HANDLER',
        `Event '${registered.name}' already has a handler named '${name}'; give the second one a distinct name.`,
        { details: { message: registered.name, handlers: [name] } },
      );
    }
    const terminal = eventTerminal(handler, registered.name);
    const info: MessageInfo = { kind: 'event', name: registered.name, handler: name, key: event, schema: registered.schema };
    const run = compose(this.middleware, terminal, info);
    const route: EventRoute = { info, async: options.async === true, queue: options.queue, terminal, run, deliver: run };
    if (route.async) route.deliver = (e) => this.enqueueFor(e, route);
    list.push(route);
    this.routes.set(lookup, list);
    return this;
  }

  /** Deliver an event to all its handlers and wait for them; resolves when every one succeeded. */
  publish(event: object): Promise<void> {
    if (event === null || typeof event !== 'object') {
      return Promise.reject(new CqrsError('ODY_CQRS_INVALID_MESSAGE', `Event bus was given ${String(event)}, which is not an event.`));
    }
    const list = this.routes.get(event.constructor) ?? this.routes.get((event as { type?: unknown }).type);
    if (list === undefined) return Promise.resolve();
    if (list.length === 1) return deliverOne(event, list[0]!);
    return deliverAll(event, list);
  }

  /** Publish several events in order, each awaited before the next. */
  async publishAll(events: Iterable<object>): Promise<void> {
    for (const e of events) await this.publish(e);
  }

  /** Every handler route of an event type (by name), for workers and introspection. */
  routesOf(eventName: string): readonly EventRoute[] {
    for (const [lookup, list] of this.routes) {
      if (list[0]?.info.name === eventName || lookup === eventName) return list;
    }
    return [];
  }

  /** Every async handler route. */
  asyncRoutes(): EventRoute[] {
    return [...this.routes.values()].flat().filter((r) => r.async);
  }

  /** @internal Connect the async side (done by cqrsPlugin / createAsyncCommands). */
  attachAsync(enqueue: EventEnqueuer): void {
    this.enqueue = enqueue;
  }

  private enqueueFor(event: object, route: EventRoute): Promise<unknown> {
    if (this.enqueue === undefined) {
      return Promise.reject(
        new CqrsError('ODY_CQRS_NO_QUEUE', `Event handler '${route.info.handler}' of '${route.info.name}' is async but no queue is attached.`),
      );
    }
    return this.enqueue(event, route);
  }
}

async function deliverOne(event: object, route: EventRoute): Promise<void> {
  try {
    await route.deliver(event);
  } catch (error) {
    throw eventFailure(nameOfMessage(event), [{ handler: route.info.handler, error }]);
  }
}

async function deliverAll(event: object, list: readonly EventRoute[]): Promise<void> {
  const settled = await Promise.allSettled(list.map((r) => r.deliver(event)));
  const failures: HandlerFailure[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'rejected') failures.push({ handler: list[i]!.info.handler, error: s.reason });
  });
  if (failures.length > 0) throw eventFailure(nameOfMessage(event), failures);
}

function eventTerminal(handler: unknown, event: string): Terminal {
  if (typeof handler === 'function') return handler as Terminal;
  if (typeof handler === 'object' && handler !== null && typeof (handler as { handle?: unknown }).handle === 'function') {
    const obj = handler as { handle(e: object): unknown };
    return (e) => obj.handle(e);
  }
  throw new CqrsError('ODY_CQRS_INVALID_HANDLER', `The handler given for event '${event}' is neither a function nor an object with handle().`, {
    details: { message: event },
  });
}
