import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import * as vitest from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { eventStoreConformance } from '../testing/index.js';
import { listSegments, segmentName } from './segments.js';
import { fileEventStore } from './store.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ody-es-file-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

eventStoreConformance('file', () => fileEventStore({ dir: tempDir() }), vitest);

describe('file store durability', () => {
  it('reopens with every event, delete and snapshot', async () => {
    const dir = tempDir();
    const a = await fileEventStore({ dir });
    await a.append('s1', [{ type: 'A', data: { n: 1 } }, { type: 'B', data: { n: 2 } }]);
    await a.append('s2', [{ type: 'C', data: {} }]);
    await a.deleteStream('s2');
    await a.saveSnapshot({ stream: 's1', version: 2, schemaVersion: 1, state: { n: 3 } });
    await a.close();
    const b = await fileEventStore({ dir });
    expect((await b.read('s1')).map((e) => e.type)).toEqual(['A', 'B']);
    expect(await b.streamInfo('s2')).toEqual({ version: 1, deleted: true });
    expect(await b.loadSnapshot('s1')).toMatchObject({ version: 2, state: { n: 3 } });
    expect((await b.append('s3', [{ type: 'D', data: {} }])).events[0]!.globalPosition).toBe(4);
    await b.close();
  });

  it('truncates a torn tail on open and appends after it', async () => {
    const dir = tempDir();
    const a = await fileEventStore({ dir });
    await a.append('s', [{ type: 'A', data: {} }]);
    await a.close();
    const file = join(dir, segmentName(1));
    const good = statSync(file).size;
    // Half of a record: a header that promises 500 bytes, then 20.
    const torn = Buffer.alloc(28);
    torn.writeUInt32LE(500, 0);
    appendFileSync(file, torn);
    const b = await fileEventStore({ dir });
    expect(b.recoveredTornBytes).toBe(28);
    expect(statSync(file).size).toBe(good);
    await b.append('s', [{ type: 'B', data: {} }], { expectedVersion: 1 });
    await b.close();
    const c = await fileEventStore({ dir });
    expect((await c.read('s')).map((e) => e.type)).toEqual(['A', 'B']);
    await c.close();
  });

  it('drops a tail record whose checksum fails', async () => {
    const dir = tempDir();
    const a = await fileEventStore({ dir });
    await a.append('s', [{ type: 'A', data: {} }]);
    await a.append('s', [{ type: 'B', data: {} }]);
    await a.close();
    const file = join(dir, segmentName(1));
    const buf = readFileSync(file);
    buf[buf.length - 3] = buf[buf.length - 3]! ^ 0xff;
    rmSync(file);
    appendFileSync(file, buf);
    const b = await fileEventStore({ dir });
    expect((await b.read('s')).map((e) => e.type)).toEqual(['A']);
    await b.close();
  });

  it('refuses damage in a segment that is not the last', async () => {
    const dir = tempDir();
    const a = await fileEventStore({ dir, segmentBytes: 200 });
    for (let i = 0; i < 5; i++) await a.append('s', [{ type: 'A', data: { pad: 'p'.repeat(150) } }]);
    await a.close();
    expect(listSegments(dir).length).toBeGreaterThan(2);
    const b = await fileEventStore({ dir });
    expect(await b.streamVersion('s')).toBe(5);
    await b.close();
    appendFileSync(join(dir, segmentName(1)), Buffer.from([1, 2, 3]));
    await expect(fileEventStore({ dir })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_CORRUPT' });
  });

  it('refuses a directory held by a live process', async () => {
    const dir = tempDir();
    appendFileSync(join(dir, 'LOCK'), String(process.ppid));
    await expect(fileEventStore({ dir })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_STORE_LOCKED' });
  });

  it('refuses a directory held by another thread of this process, takes over our pid from an earlier process', async () => {
    const startedAt = Math.round(Date.now() - process.uptime() * 1000);
    const sibling = tempDir();
    // What an HTTP worker thread of this process writes when it opened the store first.
    writeFileSync(join(sibling, 'LOCK'), JSON.stringify({ pid: process.pid, threadId: threadId + 1, startedAt }));
    await expect(fileEventStore({ dir: sibling })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_STORE_LOCKED', message: expect.stringContaining(`thread ${threadId + 1}`) });
    // A container restarted as the same pid finds its previous incarnation's lock: stale, taken over.
    const restarted = tempDir();
    writeFileSync(join(restarted, 'LOCK'), JSON.stringify({ pid: process.pid, threadId: threadId + 1, startedAt: startedAt - 60_000 }));
    const store = await fileEventStore({ dir: restarted });
    expect(JSON.parse(readFileSync(join(restarted, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid, threadId });
    await store.close();
  });

  it('writes one fsync per append when group commit is off, with the same results', async () => {
    const store = await fileEventStore({ dir: tempDir(), groupCommit: false });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`g-${i}`, [{ type: 'A', data: {} }])));
    expect(results.map((r) => r.lastPosition).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await store.close();
  });

  it('group commit: 50 writers appending in rounds cost one fdatasync per round, each event framed and readable', async () => {
    const dir = tempDir();
    const store = await fileEventStore({ dir });
    // FileHandle is not exported; spy on the prototype of one.
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = vitest.vi.spyOn(proto, 'datasync');
    const rounds = 20;
    try {
      await Promise.all(
        Array.from({ length: 50 }, async (_, w) => {
          for (let v = 0; v < rounds; v++) await store.append(`w-${w}`, [{ type: 'T', data: { w, v, s: 'é✓😀' } }], { expectedVersion: v === 0 ? 'no-stream' : v });
        }),
      );
      // The writers woken by one fdatasync queue their next append before the next batch starts.
      expect(datasync.mock.calls.length).toBeLessThanOrEqual(rounds + 1);
    } finally {
      datasync.mockRestore();
      await store.close();
    }
    const reopened = await fileEventStore({ dir });
    const all = await reopened.readAll();
    expect(all.map((e) => e.globalPosition)).toEqual(Array.from({ length: 50 * rounds }, (_, i) => i + 1));
    expect(all.at(-1)!.data).toMatchObject({ s: 'é✓😀' });
    expect(reopened.recoveredTornBytes).toBe(0);
    await reopened.close();
  });
});
