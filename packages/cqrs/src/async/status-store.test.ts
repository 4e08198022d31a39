import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemStatusStore } from './fs-status-store.js';
import { MemoryStatusStore } from './memory-status-store.js';
import type { CommandStatusStore } from './status-store.js';
import type { CommandRecord } from './types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const record = (id: string, extra: Partial<CommandRecord> = {}): CommandRecord => ({
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

const stores: Array<[string, () => CommandStatusStore]> = [
  ['memory', () => new MemoryStatusStore()],
  [
    'filesystem',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'ody-cqrs-status-'));
      dirs.push(dir);
      return new FilesystemStatusStore(dir);
    },
  ],
];

describe.each(stores)('%s status store', (_name, make) => {
  it('records transitions and tells local watchers', async () => {
    const store = make();
    const seen: string[] = [];
    const off = store.watch('a', (r) => seen.push(r.state));
    await store.create(record('a'));
    await store.update('a', { state: 'running', attempts: 1 });
    await store.update('a', { state: 'succeeded', result: { orderId: 'o-1' } });
    off();
    await store.update('a', { state: 'succeeded' });
    expect(seen).toEqual(['queued', 'running', 'succeeded']);
    expect(await store.get('a')).toMatchObject({ state: 'succeeded', attempts: 1, result: { orderId: 'o-1' } });
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.update('missing', { state: 'running' })).toBeUndefined();
  });

  it('maps one idempotency key to one command, also under concurrent creates', async () => {
    const store = make();
    const results = await Promise.all(['k1', 'k2', 'k3', 'k4'].map((id) => store.create(record(id, { idempotencyKey: 'same' }))));
    const created = results.filter((r) => r.created);
    expect(created).toHaveLength(1);
    for (const r of results) expect(r.record.id).toBe(created[0]!.record.id);
    const winner = created[0]!.record.id;
    for (const id of ['k1', 'k2', 'k3', 'k4'].filter((i) => i !== winner)) expect(await store.get(id)).toBeUndefined();
  });

  it('prunes only finished records older than the cutoff, freeing their keys', async () => {
    const store = make();
    await store.create(record('old', { idempotencyKey: 'key-old' }));
    await store.update('old', { state: 'failed', error: { name: 'Error', message: 'x' } });
    await store.create(record('live'));
    expect(await store.prune(Date.now() + 1000)).toBe(1);
    expect(await store.get('old')).toBeUndefined();
    expect(await store.get('live')).toBeDefined();
    expect((await store.create(record('new', { idempotencyKey: 'key-old' }))).created).toBe(true);
    expect(await store.prune(0)).toBe(0);
  });
});

it('filesystem store refuses ids that are not safe file names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ody-cqrs-status-'));
  dirs.push(dir);
  const store = new FilesystemStatusStore(dir);
  await expect(store.create(record('../escape'))).rejects.toMatchObject({ code: 'ODY_CQRS_STATUS_STORE' });
  expect(await store.get('../escape')).toBeUndefined();
});
