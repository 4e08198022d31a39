import type { DomainEvent } from './types.js';

/**
 * Base of a class aggregate: command methods call `apply(event)`, which runs `when(event)` to change
 * fields and records the event as uncommitted; the repository appends the uncommitted events and
 * sets `version`. Override `toSnapshot`/`restoreSnapshot` to let the repository snapshot it.
 * @example
 * class Cart extends AggregateRoot<CartEvent> {
 *   items: string[] = [];
 *   add(sku: string) { this.apply({ type: 'ItemAdded', data: { sku } }); }
 *   protected when(e: CartEvent) { if (e.type === 'ItemAdded') this.items.push(e.data.sku); }
 * }
 */
export abstract class AggregateRoot<E extends DomainEvent = DomainEvent> {
  /** Stream version the aggregate was loaded at plus what was saved since (0 when new). */
  version = 0;
  private pending: E[] = [];

  /** Change state for one event; called for new and for replayed events alike. */
  protected abstract when(event: E): void;

  /** Record a new event and apply it. */
  protected apply(event: E): void {
    this.when(event);
    this.pending.push(event);
  }

  /** Events applied since load or the last save. */
  get uncommittedEvents(): readonly E[] {
    return this.pending;
  }

  /** @internal Replay a stored event (not recorded as uncommitted). */
  replay(event: E): void {
    this.when(event);
  }

  /** @internal Forget uncommitted events after they were appended. */
  markCommitted(version: number): void {
    this.pending = [];
    this.version = version;
  }

  /** The aggregate's state as JSON for a snapshot; undefined (default) disables snapshots. */
  toSnapshot(): unknown {
    return undefined;
  }

  /** Set fields from a snapshot made by toSnapshot. */
  restoreSnapshot(_state: unknown): void {}
}
