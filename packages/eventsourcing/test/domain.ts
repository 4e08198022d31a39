import { AggregateRoot, type Decider, type DomainEvent, eventTypes } from '../src/index.js';

export type OrderEvent =
  | DomainEvent<'OrderPlaced', { sku: string; qty: number }>
  | DomainEvent<'ItemAdded', { sku: string; qty: number }>
  | DomainEvent<'OrderShipped', { at: string }>;

export type OrderCommand =
  | { type: 'PlaceOrder'; orderId: string; sku: string; qty: number }
  | { type: 'AddItem'; orderId: string; sku: string; qty: number }
  | { type: 'Ship'; orderId: string }
  | { type: 'Touch'; orderId: string };

export interface OrderState {
  status: 'none' | 'open' | 'shipped';
  items: Record<string, number>;
  lines: number;
}

/** Thrown by the decider for a command the state does not allow. */
export class OrderRuleBroken extends Error {}

export const orderDecider: Decider<OrderCommand, OrderState, OrderEvent> = {
  initialState: () => ({ status: 'none', items: {}, lines: 0 }),
  decide(cmd, s) {
    switch (cmd.type) {
      case 'PlaceOrder':
        if (s.status !== 'none') throw new OrderRuleBroken(`order ${cmd.orderId} exists`);
        return [{ type: 'OrderPlaced', data: { sku: cmd.sku, qty: cmd.qty } }];
      case 'AddItem':
        if (s.status !== 'open') throw new OrderRuleBroken('order not open');
        return { type: 'ItemAdded', data: { sku: cmd.sku, qty: cmd.qty } };
      case 'Ship':
        if (s.status !== 'open') throw new OrderRuleBroken('order not open');
        return [{ type: 'OrderShipped', data: { at: '2026-01-01' } }];
      case 'Touch':
        return [];
    }
  },
  evolve(s, e) {
    switch (e.type) {
      case 'OrderPlaced':
      case 'ItemAdded':
        return { status: 'open', items: { ...s.items, [e.data.sku]: (s.items[e.data.sku] ?? 0) + e.data.qty }, lines: s.lines + 1 };
      case 'OrderShipped':
        return { ...s, status: 'shipped' };
    }
  },
};

export const orderTypes = () => eventTypes().register('OrderPlaced').register('ItemAdded').register('OrderShipped');

export type CounterEvent = DomainEvent<'Incremented', { by: number }>;

/** A class aggregate with snapshot support. */
export class Counter extends AggregateRoot<CounterEvent> {
  total = 0;
  increment(by: number) {
    if (by <= 0) throw new OrderRuleBroken('increment must be positive');
    this.apply({ type: 'Incremented', data: { by } });
  }
  protected when(e: CounterEvent) {
    this.total += e.data.by;
  }
  override toSnapshot() {
    return { total: this.total };
  }
  override restoreSnapshot(s: unknown) {
    this.total = (s as { total: number }).total;
  }
}
