import { inject, z } from '@ody/core';
import { Async, Command, CommandHandler, EventBus } from '@ody/cqrs';
import { type Decider, type DomainEvent, deciderCommandHandler, deciderRepository, EventStore, eventTypes } from '@ody/eventsourcing';
import { UnrecoverableError } from '@ody/queue';

/** What a stock command answers once its events are stored. */
export interface StockResult {
  sku: string;
  onHand: number;
  version: number;
}

const StockChange = z.object({ sku: z.string().regex(/^[\w-]{1,64}$/), qty: z.number().int().min(1).max(10_000) });

/** Goods arrived. Async: a queue worker runs it in the process that owns the event store. */
@Async({ queue: 'stock', attempts: 3, backoff: { type: 'exponential', delayMs: 100 } })
export class ReceiveStock extends Command<StockResult> {
  static schema = StockChange;
  constructor(
    readonly sku: string,
    readonly qty: number,
  ) {
    super();
  }
}

/** Goods left; refused when fewer are on hand. */
@Async({ queue: 'stock', attempts: 3, backoff: { type: 'exponential', delayMs: 100 } })
export class ShipStock extends Command<StockResult> {
  static schema = StockChange;
  constructor(
    readonly sku: string,
    readonly qty: number,
  ) {
    super();
  }
}

/** The events of one sku's stream (`stock-<sku>`): the only thing stored; the state is folded from them. */
export type StockEvent = DomainEvent<'StockReceived', { sku: string; qty: number }> | DomainEvent<'StockShipped', { sku: string; qty: number }>;

/** A sku's state, rebuilt from its events. */
export interface StockState {
  onHand: number;
}

/** A business rule said no. Retrying cannot help, so the queue fails the command at once (no retries). */
export class StockRejected extends UnrecoverableError {}

/** The stock decider: decide (command + state → events) and evolve (state + event → state), both pure. */
export const stock: Decider<ReceiveStock | ShipStock, StockState, StockEvent> = {
  initialState: () => ({ onHand: 0 }),
  decide(command, state) {
    if (command instanceof ReceiveStock) return [{ type: 'StockReceived', data: { sku: command.sku, qty: command.qty } }];
    if (command.qty > state.onHand) throw new StockRejected(`Cannot ship ${command.qty} of '${command.sku}': ${state.onHand} on hand.`);
    return [{ type: 'StockShipped', data: { sku: command.sku, qty: command.qty } }];
  },
  evolve(state, event) {
    return { onHand: event.type === 'StockReceived' ? state.onHand + event.data.qty : state.onHand - event.data.qty };
  },
};

/** Every event type the stock stream stores (reads build only these). */
export const stockEventTypes = eventTypes().register('StockReceived').register('StockShipped');

/** load `stock-<sku>` → decide → append (re-deciding on a version conflict) → publish the new events on the EventBus. */
function stockCommands(store: EventStore, eventBus: EventBus): (command: ReceiveStock | ShipStock) => Promise<StockResult> {
  const repository = deciderRepository(stock, { store, types: stockEventTypes, streamName: (sku) => `stock-${sku}` });
  return deciderCommandHandler({ repository, id: (c) => c.sku, eventBus, result: (saved, c) => ({ sku: c.sku, onHand: saved.state.onHand, version: saved.version }) });
}

/** Handles ReceiveStock (built through DI where the event store is open). */
@CommandHandler(ReceiveStock)
export class ReceiveStockHandler {
  private readonly run: ReturnType<typeof stockCommands>;
  constructor(@inject(EventStore) store: EventStore, @inject(EventBus) eventBus: EventBus) {
    this.run = stockCommands(store, eventBus);
  }

  execute(command: ReceiveStock): Promise<StockResult> {
    return this.run(command);
  }
}

/** Handles ShipStock. */
@CommandHandler(ShipStock)
export class ShipStockHandler {
  private readonly run: ReturnType<typeof stockCommands>;
  constructor(@inject(EventStore) store: EventStore, @inject(EventBus) eventBus: EventBus) {
    this.run = stockCommands(store, eventBus);
  }

  execute(command: ShipStock): Promise<StockResult> {
    return this.run(command);
  }
}

/** What src/app.ts registers: the commands (every process may dispatch them) and their handlers (the event-store process). */
export const stockAggregate = { commands: [ReceiveStock, ShipStock], handlers: [ReceiveStockHandler, ShipStockHandler] };
