import type { RecordedEvent } from '../store/types.js';

/** A domain event as deciders and aggregates see it: a type name and its data. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/** A domain event read from the store, with its stored record (positions, metadata). */
export type LoadedEvent<E extends DomainEvent = DomainEvent> = E & { readonly recorded: RecordedEvent };

/**
 * A decider: the pure functional style. `decide` turns a command and the current state into new
 * events (or throws a domain error); `evolve` folds one event into the state.
 * @example
 * const cart: Decider<AddItem, Cart, CartEvent> = {
 *   initialState: () => ({ items: [] }),
 *   decide: (cmd, s) => [{ type: 'ItemAdded', data: { sku: cmd.sku } }],
 *   evolve: (s, e) => ({ items: [...s.items, e.data.sku] }),
 * };
 */
export interface Decider<C, S, E extends DomainEvent> {
  initialState(): S;
  decide(command: C, state: S): E | readonly E[];
  evolve(state: S, event: E): S;
}

/** Events a decider returned, as a list. */
export function eventsOf<E>(result: E | readonly E[]): E[] {
  return Array.isArray(result) ? [...(result as readonly E[])] : [result as E];
}
