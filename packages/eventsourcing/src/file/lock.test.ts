import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileEventStore } from './store.js';
import { fileEventStoreHolder } from './lock.js';

const root = mkdtempSync(join(tmpdir(), 'ody-es-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fileEventStoreHolder', () => {
  it('names a live holder, and is undefined for a dead one, a missing lock and this very thread', async () => {
    const dir = join(root, 'a');
    expect(fileEventStoreHolder(dir)).toBeUndefined(); // nothing there yet
    writeFileSync(join(root, 'LOCK'), JSON.stringify({ pid: process.ppid, threadId: 0, startedAt: 0 }));
    expect(fileEventStoreHolder(root)).toBe(`process ${process.ppid}`);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(root, 'LOCK'), JSON.stringify({ pid: dead, threadId: 0, startedAt: 0 }));
    expect(fileEventStoreHolder(root)).toBeUndefined();
    const store = await fileEventStore({ dir });
    try {
      expect(fileEventStoreHolder(dir)).toBeUndefined(); // held by this thread: it may use it
    } finally {
      await store.close();
    }
  });
});
