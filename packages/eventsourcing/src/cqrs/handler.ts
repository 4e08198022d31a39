import type { EventBus } from '@ody/cqrs';
import type { Queue } from '@ody/queue';
import type { DeciderRepository, Repository, Saved } from '../model/repository.js';
import type { DomainEvent } from '../model/types.js';
import { publishToBus, pushToQueue } from './publish.js';

/** Where a command handler sends the events it appended. */
export interface PublishTargets {
  /** Publish each new event on this bus after the append commits. */
  eventBus?: EventBus;
  /** And push each onto this queue (job name = event type) for async consumers. */
  queue?: Queue;
}

/** Options of `deciderCommandHandler`. */
export interface DeciderHandlerOptions<C, S, E extends DomainEvent, R> extends PublishTargets {
  repository: DeciderRepository<C, S, E>;
  /** Which aggregate the command targets. */
  id: (command: C) => string;
  /** What the command bus returns (default: `{ id, version }`). */
  result?: (saved: Saved<S>, command: C) => R;
}

/** Options of `aggregateCommandHandler`. */
export interface AggregateHandlerOptions<C, A, E extends DomainEvent, R> extends PublishTargets {
  repository: Repository<A, E>;
  id: (command: C) => string;
  /** Call the aggregate's command method. */
  act: (aggregate: A, command: C) => unknown;
  result?: (saved: Saved<A>, command: C) => R;
}

async function publish(targets: PublishTargets, saved: Saved<unknown>): Promise<void> {
  // The queue first: it is the durable hand-off; in-process bus handlers run after it.
  if (targets.queue !== undefined) await pushToQueue(targets.queue, saved.events);
  if (targets.eventBus !== undefined) await publishToBus(targets.eventBus, saved.events);
}

/**
 * A CQRS command handler: load → decide → append (retrying on conflict) → publish the new events
 * on the EventBus and onto a queue. Register it with `commandBus.register(PlaceOrder, handler)`.
 * @example
 * commandBus.register(PlaceOrder, deciderCommandHandler({ repository: orders, id: (c) => c.orderId, eventBus, queue }));
 */
export function deciderCommandHandler<C, S, E extends DomainEvent, R = { id: string; version: number }>(
  options: DeciderHandlerOptions<C, S, E, R>,
): (command: C) => Promise<R> {
  return async (command) => {
    const id = options.id(command);
    const saved = await options.repository.execute(id, command);
    await publish(options, saved);
    return options.result === undefined ? ({ id, version: saved.version } as R) : options.result(saved, command);
  };
}

/** The class-aggregate twin of deciderCommandHandler: `act(aggregate, command)` calls a command method. */
export function aggregateCommandHandler<C, A, E extends DomainEvent, R = { id: string; version: number }>(
  options: AggregateHandlerOptions<C, A, E, R>,
): (command: C) => Promise<R> {
  return async (command) => {
    const id = options.id(command);
    const saved = await options.repository.handle(id, (a) => options.act(a, command));
    await publish(options, saved);
    return options.result === undefined ? ({ id, version: saved.version } as R) : options.result(saved, command);
  };
}
