import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSegments, segmentName } from './segments.js';
import { fileEventStoreReader } from './reader.js';
import { fileEventStore } from './store.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ody-es-reader-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('file store reader', () => {
  it('follows the writer across segments, takes no lock, shows no partial record, refuses writes', async () => {
    const dir = tempDir();
    const reader = await fileEventStoreReader({ dir, watch: false });
    const writer = await fileEventStore({ dir, segmentBytes: 512 }); // the reader holds no lock
    try {
      for (let i = 1; i <= 6; i++) await writer.append('s', [{ type: 'T', data: { i, pad: 'x'.repeat(150) } }]);
      expect(listSegments(dir).length).toBeGreaterThan(1);
      expect((await reader.readAll()).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await reader.streamVersion('s')).toBe(6);
      // A record still being written (here: its first bytes only) is not shown until it is whole.
      const last = listSegments(dir).at(-1)!;
      appendFileSync(join(dir, segmentName(last)), Buffer.from([200, 0, 0, 0, 1, 2]));
      expect(await reader.headPosition()).toBe(6);
      await expect(reader.append('s', [{ type: 'T', data: {} }])).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_READ_ONLY' });
      await expect(reader.deleteStream('s')).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_READ_ONLY' });
    } finally {
      await writer.close();
      await reader.close();
    }
    // The writer's next open truncates that torn tail and appends at the same offset: the reader goes on from there.
    const reopened = await fileEventStore({ dir, segmentBytes: 512 });
    const again = await fileEventStoreReader({ dir, watch: false });
    try {
      await reopened.append('s', [{ type: 'T', data: { i: 7 } }]);
      expect((await again.read('s')).map((e) => e.streamPosition)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await reopened.close();
      await again.close();
    }
  });
});
