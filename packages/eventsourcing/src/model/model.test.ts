import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Counter, OrderRuleBroken, orderDecider, orderTypes } from '../fixtures/domain.js';
import { fileEventStore } from '../file/store.js';
import { memoryEventStore } from '../memory/store.js';
import type { EventStore } from '../store/types.js';
import { eventTypes } from './registry.js';
import { aggregateRepository, deciderRepository } from './repository.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const stores: Array<[string, () => Promise<EventStore>]> = [
  ['memory', async () => memoryEventStore()],
  [
    'file',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ody-es-model-'));
      dirs.push(dir);
      return fileEventStore({ dir });
    },
  ],
];

describe.each(stores)('repository on the %s store', (_name, open) => {
  it('loads and saves a decider, and decides nothing without appending', async () => {
    const store = await open();
    const orders = deciderRepository(orderDecider, { store, types: orderTypes(), streamName: (id) => `order-${id}` });
    const placed = await orders.execute('1', { type: 'PlaceOrder', orderId: '1', sku: 'a', qty: 2 });
    expect(placed.version).toBe(1);
    expect(placed.state).toEqual({ status: 'open', items: { a: 2 }, lines: 1 });
    expect(placed.events[0]).toMatchObject({ stream: 'order-1', type: 'OrderPlaced', data: { sku: 'a', qty: 2 } });
    await orders.execute('1', { type: 'AddItem', orderId: '1', sku: 'a', qty: 1 });
    await expect(orders.execute('1', { type: 'PlaceOrder', orderId: '1', sku: 'b', qty: 1 })).rejects.toBeInstanceOf(OrderRuleBroken);
    const touched = await orders.execute('1', { type: 'Touch', orderId: '1' });
    expect(touched.events).toEqual([]);
    expect(await orders.load('1')).toMatchObject({ version: 2, state: { items: { a: 3 } }, fromSnapshot: false });
    await store.close();
  });

  it('retries on a version conflict: 20 concurrent commands on one stream all land', async () => {
    const store = await open();
    const counters = aggregateRepository(() => new Counter(), { store, types: eventTypes().register('Incremented'), retry: { attempts: 100 } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => counters.handle('c', (c) => c.increment(i + 1))));
    const { state, version } = await counters.load('c');
    expect(version).toBe(20);
    expect(state.total).toBe(210);
    expect(state.version).toBe(20);
    expect(state.uncommittedEvents).toEqual([]);
    await store.close();
  });

  it('gives up with ODY_EVENTSOURCING_RETRIES_EXHAUSTED when conflicts outlast the attempts', async () => {
    const store = await open();
    const types = eventTypes().register('Incremented');
    const counters = aggregateRepository(() => new Counter(), { store, types, retry: { attempts: 2 } });
    let calls = 0;
    const err = await counters
      .handle('c', async (c) => {
        calls++;
        // Another writer sneaks in between every load and save.
        await store.append('c', [{ type: 'Incremented', data: { by: 1 } }]);
        c.increment(1);
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ODY_EVENTSOURCING_RETRIES_EXHAUSTED', details: { attempts: 2 } });
    expect(calls).toBe(2);
    await store.close();
  });

  it('snapshot + tail = full replay, for a decider and an aggregate', async () => {
    const store = await open();
    const types = orderTypes();
    const snapped = deciderRepository(orderDecider, { store, types, snapshots: { every: 10 } });
    const full = deciderRepository(orderDecider, { store, types });
    await snapped.execute('o', { type: 'PlaceOrder', orderId: 'o', sku: 's0', qty: 1 });
    for (let i = 1; i < 95; i++) await snapped.execute('o', { type: 'AddItem', orderId: 'o', sku: `s${i % 7}`, qty: i });
    expect(await store.loadSnapshot('o')).toMatchObject({ version: 90 });
    const a = await snapped.load('o');
    const b = await full.load('o');
    expect(a.fromSnapshot).toBe(true);
    expect(b.fromSnapshot).toBe(false);
    expect(a.state).toEqual(b.state);
    expect(a.version).toBe(95);
    expect(b.version).toBe(95);
    // Snapshots of another shape version are ignored.
    const v2 = deciderRepository(orderDecider, { store, types, snapshots: { every: 10, schemaVersion: 2 } });
    expect(await v2.load('o')).toMatchObject({ fromSnapshot: false, version: 95, state: b.state });

    const counterTypes = eventTypes().register('Incremented');
    const counters = aggregateRepository(() => new Counter(), { store, types: counterTypes, snapshots: { when: (_s, version) => version === 7 } });
    for (let i = 1; i <= 12; i++) await counters.handle('k', (c) => c.increment(i));
    const fromSnap = await counters.load('k');
    const replayed = await aggregateRepository(() => new Counter(), { store, types: counterTypes }).load('k');
    expect(fromSnap.fromSnapshot).toBe(true);
    expect((await store.loadSnapshot('k'))?.version).toBe(7);
    expect(fromSnap.state.total).toBe(replayed.state.total);
    expect(fromSnap.state.total).toBe(78);
    await store.close();
  });

  it('reads a soft-deleted stream as new, keeping its version for the next append', async () => {
    const store = await open();
    const orders = deciderRepository(orderDecider, { store, types: orderTypes() });
    await orders.execute('d', { type: 'PlaceOrder', orderId: 'd', sku: 'a', qty: 1 });
    await store.deleteStream('d');
    expect(await orders.load('d')).toMatchObject({ version: 1, state: { status: 'none' } });
    const again = await orders.execute('d', { type: 'PlaceOrder', orderId: 'd', sku: 'b', qty: 1 });
    expect(again.version).toBe(2);
    expect(again.state.items).toEqual({ b: 1 });
    await store.close();
  });
});

describe('event types: registered types only, upcast on read', () => {
  it('reads v1 events as v3 through two upcasters, and writes v3', async () => {
    const store = memoryEventStore();
    await store.append('p', [{ type: 'PriceSet', data: { amount: 5 }, schemaVersion: 1 }]);
    await store.append('p', [{ type: 'PriceSet', data: { amount: 6, currency: 'USD' }, schemaVersion: 2 }]);
    const types = eventTypes().register('PriceSet', {
      schemaVersion: 3,
      upcast: {
        1: (d: { amount: number }) => ({ ...d, currency: 'EUR' }),
        2: (d: { amount: number; currency: string }) => ({ cents: d.amount * 100, currency: d.currency }),
      },
    });
    const [v1, v2] = await store.read('p');
    expect(types.fromRecorded(v1!)).toMatchObject({ type: 'PriceSet', data: { cents: 500, currency: 'EUR' } });
    expect(types.fromRecorded(v2!).data).toEqual({ cents: 600, currency: 'USD' });
    expect(types.toNew({ type: 'PriceSet', data: { cents: 1, currency: 'EUR' } }).schemaVersion).toBe(3);
  });

  it('refuses unregistered types, missing upcasters and data that fails the schema', async () => {
    const { z } = await import('@ody/core');
    const store = memoryEventStore();
    await store.append('x', [{ type: 'Evil', data: { constructor: 'Function' } }, { type: 'Old', data: {}, schemaVersion: 1 }, { type: 'Typed', data: { n: 'NaN' } }]);
    const [evil, old, typed] = await store.read('x');
    const types = eventTypes().register('Old', { schemaVersion: 3, upcast: { 2: (d: object) => d } }).register('Typed', { schema: z.object({ n: z.number() }) });
    expect(() => types.fromRecorded(evil!)).toThrow(expect.objectContaining({ code: 'ODY_EVENTSOURCING_UNKNOWN_EVENT' }));
    expect(() => types.fromRecorded(old!)).toThrow(expect.objectContaining({ code: 'ODY_EVENTSOURCING_UPCAST_MISSING', details: expect.objectContaining({ missing: 1 }) }));
    expect(() => types.fromRecorded(typed!)).toThrow(expect.objectContaining({ code: 'ODY_EVENTSOURCING_INVALID_EVENT' }));
    expect(() => types.toNew({ type: 'Typed', data: { n: 'x' } })).toThrow(expect.objectContaining({ code: 'ODY_EVENTSOURCING_INVALID_EVENT' }));
    expect(() => types.toNew({ type: 'Nope', data: {} })).toThrow(expect.objectContaining({ code: 'ODY_EVENTSOURCING_UNKNOWN_EVENT' }));
  });
});
