import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileEventStore } from '../file/store.js';
import { memoryEventStore } from '../memory/store.js';
import type { EventStore } from '../store/types.js';
import { inlineProjection } from './inline.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.each([
  ['memory', async (p: Parameters<typeof memoryEventStore>[0]) => memoryEventStore(p)],
  [
    'file',
    async (p: Parameters<typeof memoryEventStore>[0]) => {
      const dir = mkdtempSync(join(tmpdir(), 'ody-es-inline-'));
      dirs.push(dir);
      return fileEventStore({ dir, projections: p?.projections });
    },
  ],
] as Array<[string, (p: Parameters<typeof memoryEventStore>[0]) => Promise<EventStore>]>)('inline projections on the %s store', (_name, open) => {
  it('see each append before it commits; a throw rejects the append and writes nothing', async () => {
    const totals = new Map<string, number>();
    const store = await open({
      projections: [
        inlineProjection({
          name: 'totals',
          types: ['Added'],
          apply(events) {
            const next = new Map(totals);
            for (const e of events) {
              const n = (e.data as { n: number }).n;
              if (n < 0) throw new Error('negative');
              next.set(e.stream, (next.get(e.stream) ?? 0) + n);
            }
            for (const [k, v] of next) totals.set(k, v);
          },
        }),
      ],
    });
    await store.append('c', [{ type: 'Added', data: { n: 2 } }, { type: 'Other', data: {} }]);
    await Promise.all([store.append('c', [{ type: 'Added', data: { n: 3 } }]), store.append('d', [{ type: 'Added', data: { n: 1 } }])]);
    await expect(store.append('c', [{ type: 'Added', data: { n: 5 } }, { type: 'Added', data: { n: -1 } }])).rejects.toMatchObject({
      code: 'ODY_EVENTSOURCING_PROJECTION_FAILED',
      details: { projection: 'totals' },
    });
    expect(Object.fromEntries(totals)).toEqual({ c: 5, d: 1 });
    expect(await store.streamVersion('c')).toBe(3);
    expect(await store.readAll()).toHaveLength(4);
    await store.close();
  });
});
