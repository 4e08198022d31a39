import { describe, expect, it } from 'vitest';
import { Counter, orderDecider, orderTypes } from '../fixtures/domain.js';
import { VersionConflictError } from '../errors.js';
import { memoryEventStore } from '../memory/store.js';
import { eventTypes } from './registry.js';
import { aggregateRepository, deciderRepository } from './repository.js';

// Type tests: tsc (the package typecheck) fails if a line marked @ts-expect-error compiles.
describe('types flow from the decider and the aggregate', () => {
  it('types commands, state and the aggregate', async () => {
    const store = memoryEventStore();
    const orders = deciderRepository(orderDecider, { store, types: orderTypes() });
    const saved = await orders.execute('1', { type: 'PlaceOrder', orderId: '1', sku: 'a', qty: 1 });
    const lines: number = saved.state.lines;
    // @ts-expect-error the state has no such field
    saved.state.nope;
    // @ts-expect-error not a command of this decider
    await orders.execute('1', { type: 'Refund', orderId: '1' }).catch(() => undefined);
    // @ts-expect-error qty must be a number
    await orders.execute('2', { type: 'PlaceOrder', orderId: '2', sku: 'a', qty: '1' }).catch(() => undefined);

    const counters = aggregateRepository(() => new Counter(), { store, types: eventTypes().register('Incremented') });
    const done = await counters.handle('c', (c) => c.increment(2));
    const total: number = done.state.total;
    // @ts-expect-error Counter has no such method
    await counters.handle('c', (c) => c.decrement(2)).catch(() => undefined);

    const conflict = new VersionConflictError('s', 'no-stream', 3);
    const actual: number = conflict.actual;
    // @ts-expect-error expected is a version, 'no-stream', 'exists' or 'any'
    new VersionConflictError('s', 'sometimes', 3);
    expect([lines, total, actual]).toEqual([1, 2, 3]);
  });
});
