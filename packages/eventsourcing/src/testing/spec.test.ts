import { describe, expect, it } from 'vitest';
import { Counter, OrderRuleBroken, orderDecider } from '../fixtures/domain.js';
import type { AsyncProjection } from '../projections/async.js';
import { aggregateSpec, deciderSpec, projectionSpec, sagaSpec } from './spec.js';

const placed = { type: 'OrderPlaced', data: { sku: 'a', qty: 1 } } as const;

describe('given/when/then specs', () => {
  const spec = deciderSpec(orderDecider);

  it('decider: then events, then error, then nothing', async () => {
    await spec.given([placed]).when({ type: 'AddItem', orderId: 'o', sku: 'b', qty: 2 }).thenEvents([{ type: 'ItemAdded', data: { sku: 'b', qty: 2 } }]);
    await spec.given([placed]).when({ type: 'PlaceOrder', orderId: 'o', sku: 'a', qty: 1 }).thenThrows(OrderRuleBroken);
    await spec.given([]).when({ type: 'Ship', orderId: 'o' }).thenThrows((e) => (e as Error).message === 'order not open');
    await spec.given([placed]).when({ type: 'Touch', orderId: 'o' }).thenNothing();
  });

  it('fails with ODY_EVENTSOURCING_GIVEN_FAILED when the outcome differs', async () => {
    await expect(
      spec.given([placed]).when({ type: 'AddItem', orderId: 'o', sku: 'b', qty: 2 }).thenEvents([{ type: 'ItemAdded', data: { sku: 'b', qty: 3 } }]),
    ).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_GIVEN_FAILED' });
    await expect(spec.given([placed]).when({ type: 'Touch', orderId: 'o' }).thenThrows(OrderRuleBroken)).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_GIVEN_FAILED' });
    await expect(spec.given([]).when({ type: 'Ship', orderId: 'o' }).thenNothing()).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_GIVEN_FAILED' });
    await expect(spec.given([placed]).when({ type: 'Ship', orderId: 'o' }).thenThrows('SOME_CODE')).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_GIVEN_FAILED' });
  });

  it('aggregate: given history, when a method runs, then its events', async () => {
    const counter = aggregateSpec(() => new Counter());
    await counter.given([{ type: 'Incremented', data: { by: 2 } }]).when((c) => c.increment(5)).thenEvents([{ type: 'Incremented', data: { by: 5 } }]);
    await counter.given([]).when((c) => c.increment(0)).thenThrows(OrderRuleBroken);
    await counter.given([]).when(() => undefined).thenNothing();
  });

  it('projection: given events, then the projected state', async () => {
    let totals: Record<string, number> = {};
    const projection: AsyncProjection = {
      name: 'totals',
      filter: { types: ['Incremented'] },
      handle(events) {
        for (const e of events) totals[e.stream] = (totals[e.stream] ?? 0) + (e.data as { by: number }).by;
      },
      reset() {
        totals = {};
      },
    };
    const given = [
      { type: 'Incremented', data: { by: 2 }, stream: 'a' },
      { type: 'Other', data: {}, stream: 'a' },
      { type: 'Incremented', data: { by: 3 }, stream: 'b' },
      { type: 'Incremented', data: { by: 4 }, stream: 'a' },
    ];
    await projectionSpec(projection, () => totals).given(given).thenProjection({ a: 6, b: 3 });
    await expect(projectionSpec(projection, () => totals).given(given).thenProjection({ a: 6 })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_GIVEN_FAILED' });
  });
});

describe('saga specs', () => {
  it('given events, when an event or a timeout, then commands and timeouts', async () => {
    const { shipping } = await import('../fixtures/saga-domain.js');
    const placed = { type: 'OrderPlaced', data: { orderId: 'o1' } };
    await sagaSpec(shipping)
      .given([])
      .when(placed)
      .thenCommands([{ type: 'ReserveStock', orderId: 'o1' }])
      .then((t) => t.thenTimeouts([{ name: 'payment', afterMs: 50, data: { orderId: 'o1' } }]));
    await sagaSpec(shipping).given([placed]).when({ type: 'PaymentReceived', data: { orderId: 'o1' } }).thenCommands([{ type: 'Ship', orderId: 'o1' }]);
    await sagaSpec(shipping).given([placed]).when({ timeout: 'payment', data: { orderId: 'o1' } }).thenCommands([{ type: 'CancelOrder', orderId: 'o1' }]);
    await expect(sagaSpec(shipping).given([placed]).when({ type: 'PaymentReceived', data: { orderId: 'o1' } }).thenCommands([])).rejects.toMatchObject({
      code: 'ODY_EVENTSOURCING_GIVEN_FAILED',
    });
  });
});
