import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemStatusStore } from './fs-status-store.js';
import { MemoryStatusStore } from './memory-status-store.js';
import type { CommandStatusStore } from './status-store.js';
import { record, statusStoreCases } from '../test-support/status-store-cases.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
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
  statusStoreCases(make);
});

it('filesystem store refuses ids that are not safe file names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ody-cqrs-status-'));
  dirs.push(dir);
  const store = new FilesystemStatusStore(dir);
  await expect(store.create(record('../escape'))).rejects.toMatchObject({ code: 'ODY_CQRS_STATUS_STORE' });
  expect(await store.get('../escape')).toBeUndefined();
});

it('filesystem store replays its append-only file: a half-written last line is ignored, a late copy of the record does not win', async () => {
  const { appendFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'ody-cqrs-status-'));
  dirs.push(dir);
  const store = new FilesystemStatusStore(dir);
  await store.create(record('f1'));
  await store.update('f1', { state: 'running', attempts: 1 });
  const file = join(dir, 'records', 'f1.jsonl');
  appendFileSync(file, `${JSON.stringify({ record: record('f1', { state: 'failed' }) })}\n{"patch":{"state":"succ`);
  expect(await store.get('f1')).toMatchObject({ state: 'running', attempts: 1 });
  appendFileSync(file, 'eeded","result":7},"at":1}\n');
  expect(await store.get('f1')).toMatchObject({ state: 'succeeded', result: 7, updatedAt: 1 });
});
