import { EventSourcingError } from '../errors.js';
import type { AggregateRoot } from './aggregate.js';
import { type Decider, type DomainEvent, eventsOf } from './types.js';

/** What a repository needs of a modelling style: fold events, and (optionally) snapshot state. */
export interface Model<S, E extends DomainEvent> {
  initial(): S;
  evolve(state: S, event: E): S;
  /** The state as JSON for a snapshot, or undefined when this state cannot be snapshotted. */
  snapshot(state: S): unknown;
  restore(snapshot: unknown): S;
  /** New events after `act` ran on `state` (a decider's return value, an aggregate's uncommitted list). */
  newEvents(state: S, acted: unknown): E[];
  /** Record the version after load or save. */
  setVersion(state: S, version: number): void;
  /** True when acting already folded the new events into the state (aggregates), false for deciders. */
  readonly appliesOnAct: boolean;
}

/** A decider as a repository model; its state is snapshotted as is (keep it JSON). */
export function deciderModel<C, S, E extends DomainEvent>(decider: Decider<C, S, E>): Model<S, E> {
  return {
    initial: () => decider.initialState(),
    evolve: (s, e) => decider.evolve(s, e),
    snapshot: (s) => s,
    restore: (snap) => snap as S,
    newEvents: (_s, acted) => (acted === undefined ? [] : eventsOf(acted as E | E[])),
    setVersion: () => {},
    appliesOnAct: false,
  };
}

/** A class aggregate as a repository model. */
export function aggregateModel<A extends AggregateRoot<E>, E extends DomainEvent>(create: () => A): Model<A, E> {
  return {
    initial: create,
    evolve: (a, e) => {
      a.replay(e);
      return a;
    },
    snapshot: (a) => a.toSnapshot(),
    restore: (snap) => {
      const a = create();
      a.restoreSnapshot(snap);
      return a;
    },
    // Whatever the command method returned, only the uncommitted list counts.
    newEvents: (a) => [...a.uncommittedEvents],
    setVersion: (a, version) => a.markCommitted(version),
    appliesOnAct: true,
  };
}

/** Guard used by the repository when a model gives something that is not an event. */
export function assertEvents(events: readonly unknown[], where: string): void {
  for (const e of events) {
    if (e === null || typeof e !== 'object' || typeof (e as DomainEvent).type !== 'string' || !('data' in (e as object))) {
      throw new EventSourcingError('ODY_EVENTSOURCING_INVALID_ARGUMENT', `${where} produced ${JSON.stringify(e)}, which is not a { type, data } event.`);
    }
  }
}
