import { expect, it } from 'vitest';
import type { CommandStatusStore } from '../async/status-store.js';
import type { CommandRecord } from '../async/types.js';

/** A queued record for store tests. */
export const record = (id: string, extra: Partial<CommandRecord> = {}): CommandRecord => ({
  id,
  name: 'PlaceOrder',
  queue: 'orders',
  state: 'queued',
  attempts: 0,
  correlationId: 'c-1',
  createdAt: Date.now(),
  updatedAt: Date.now(),
  ...extra,
});

/** The cases every CommandStatusStore passes (memory, filesystem, Redis). Call inside a describe. */
export function statusStoreCases(make: () => CommandStatusStore): void {
  it('records transitions and tells local watchers', async () => {
    const store = make();
    const seen: string[] = [];
    const off = store.watch('a', (r) => seen.push(r.state));
    await store.watchReady?.('a');
    await store.create(record('a'));
    await store.update('a', { state: 'running', attempts: 1 });
    await store.update('a', { state: 'succeeded', result: { orderId: 'o-1' } });
    // A sharedWatch store (Redis) hears its own writes back over pub/sub, a moment later.
    for (let i = 0; seen.length < 3 && i < 200; i++) await new Promise((r) => setTimeout(r, 5));
    off();
    await store.update('a', { state: 'succeeded' });
    expect(seen).toEqual(['queued', 'running', 'succeeded']);
    expect(await store.get('a')).toMatchObject({ state: 'succeeded', attempts: 1, result: { orderId: 'o-1' } });
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.update('missing', { state: 'running' })).toBeUndefined();
  });

  it('maps one idempotency key to one command id, also under concurrent claims', async () => {
    const store = make();
    const owners = await Promise.all(['k1', 'k2', 'k3', 'k4'].map((id) => store.claimKey('same', id)));
    expect(new Set(owners).size).toBe(1);
    expect(['k1', 'k2', 'k3', 'k4']).toContain(owners[0]);
    expect(await store.claimKey('same', 'k5')).toBe(owners[0]);
    expect(await store.claimKey('other', 'k5')).toBe('k5');
  });

  it('create() never overwrites an existing record; update() never regresses a finished one', async () => {
    const store = make();
    const base = record('r1');
    expect(await store.update('r1', { state: 'running', attempts: 1 })).toBeUndefined();
    // A worker got there first (the dispatcher had not written the record yet): base + patch.
    expect(await store.update('r1', { state: 'running', attempts: 1 }, base)).toMatchObject({ state: 'running', attempts: 1 });
    const late = await store.create(base);
    expect(late).toMatchObject({ created: false, record: { state: 'running', attempts: 1 } });
    await store.update('r1', { state: 'succeeded', result: 42 });
    const stale = await store.update('r1', { state: 'queued', attempts: 1, error: { name: 'Error', message: 'late retry' } });
    expect(stale).toMatchObject({ state: 'succeeded', result: 42 });
    expect(await store.update('r1', { state: 'running', attempts: 2 })).toMatchObject({ state: 'succeeded' });
    expect(await store.get('r1')).toMatchObject({ state: 'succeeded', result: 42, attempts: 1 });
    await store.create(record('r2'));
    await store.update('r2', { state: 'failed', attempts: 3, error: { name: 'Error', message: 'x' } });
    expect(await store.update('r2', { state: 'queued' })).toMatchObject({ state: 'failed' });
    // Retried from the queue's failed store: it runs again.
    expect(await store.update('r2', { state: 'running', attempts: 1 })).toMatchObject({ state: 'running' });
  });

  it('prunes only finished records older than the cutoff, freeing their keys', async () => {
    const store = make();
    await store.claimKey('key-old', 'old');
    await store.create(record('old', { idempotencyKey: 'key-old' }));
    await store.update('old', { state: 'failed', error: { name: 'Error', message: 'x' } });
    await store.create(record('live'));
    expect(await store.prune(Date.now() + 1000)).toBe(1);
    expect(await store.get('old')).toBeUndefined();
    expect(await store.get('live')).toBeDefined();
    expect(await store.claimKey('key-old', 'new')).toBe('new');
    expect(await store.prune(0)).toBe(0);
  });
}
