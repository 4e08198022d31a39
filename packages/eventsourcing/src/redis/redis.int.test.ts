import { randomBytes } from 'node:crypto';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { eventStoreConformance } from '../testing/index.js';
import { redisEventStore } from './index.js';

describeWithRedis('redis event store', (redis) => {
  const prefix = () => `${redis.prefix}-${randomBytes(4).toString('hex')}`;
  eventStoreConformance('redis', () => redisEventStore({ url: redis.url, prefix: prefix() }), vitest, {
    writers: 50,
    eventsPerWriter: 1000,
  });

  it('group commit: concurrent appends share script calls; a conflict fails only its own append', async () => {
    const store = redisEventStore({ url: redis.url, prefix: prefix() });
    const client = store.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const send = client.odyEsAppendBatch!.bind(store.client);
    let calls = 0;
    client.odyEsAppendBatch = (...args: unknown[]) => {
      calls++;
      return send(...args);
    };
    try {
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`s${i}`, [{ type: 'n', data: { i } }], { expectedVersion: 'no-stream' })));
      // Appends called in one tick go out together: with nothing in flight, as two halves (two cohorts
      // of writers that then alternate, one building its appends while Redis runs the other's).
      expect(calls).toBe(2);
      expect(many.map((r) => r.lastPosition).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      calls = 0;
      const results = await Promise.allSettled([
        store.append('x', [{ type: 'n', data: 0 }]),
        store.append('y', [{ type: 'n', data: 0 }]),
        store.append('a', [{ type: 'n', data: 1 }], { expectedVersion: 'no-stream' }),
        store.append('a', [{ type: 'n', data: 2 }], { expectedVersion: 'no-stream' }),
        store.append('a', [{ type: 'n', data: 3 }], { expectedVersion: 1 }),
      ]);
      // Five (too few to split): one batch with three appends to 'a'; each sees the one before it.
      expect(calls).toBe(1);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'ODY_EVENTSOURCING_VERSION_CONFLICT', details: { actual: 1 } });
      expect((await store.read('a')).map((e) => e.data)).toEqual([1, 3]);
      const all = await store.readAll();
      expect(all.map((e) => e.globalPosition)).toEqual(all.map((_, i) => i + 1));
    } finally {
      await store.close();
    }
  });

  it('close() right after an append (same tick) still sends it ahead of the QUIT', async () => {
    const p = prefix();
    const store = redisEventStore({ url: redis.url, prefix: p });
    const appended = store.append('late', [{ type: 'n', data: 1 }]);
    await store.close();
    await expect(appended).resolves.toMatchObject({ nextExpectedVersion: 1 });
    const again = redisEventStore({ url: redis.url, prefix: p });
    try {
      expect((await again.read('late')).map((e) => e.data)).toEqual([1]);
    } finally {
      await again.close();
    }
  });

  it('a batch script call re-sent with its done marker (a reply lost with the connection) returns the first reply and appends nothing', async () => {
    const p = prefix();
    const store = redisEventStore({ url: redis.url, prefix: p });
    try {
      await store.append('r1', [{ type: 'n', data: 0 }]);
      const tag = `{${p}}`;
      const send = (store.client as unknown as Record<string, (...args: unknown[]) => Promise<number[]>>).odyEsAppendBatch!.bind(store.client);
      const fragment = (n: number) => JSON.stringify({ id: `e${n}`, stream: 'x', type: 'n', schemaVersion: 1, data: n, metadata: {}, recordedAt: new Date().toISOString() }).slice(1, -1);
      const args = [8, `${tag}:ver`, `${tag}:del`, `${tag}:head`, `${tag}:log`, `${tag}:done:call-1`, `${tag}:s:r1`, `${tag}:s:r2`, `${tag}:s:r1`, '', 3];
      args.push('r1', '1', 2, fragment(1), fragment(2), 'r2', '5', 1, fragment(3), 'r1', '3', 1, fragment(4));
      const first = await send(...args);
      // r1 at 1 → 3 (positions 2, 3); r2 expected 5 conflicts (actual 0); r1 at 3 → 4 (position 4).
      expect(first).toEqual([1, 3, 2, 0, 0, 0, 1, 4, 4]);
      expect(await send(...args)).toEqual(first);
      expect((await store.read('r1')).map((e) => [e.streamPosition, e.globalPosition, e.data])).toEqual([[1, 1, 0], [2, 2, 1], [3, 3, 2], [4, 4, 4]]);
      expect(await store.streamVersion('r2')).toBe(0);
      expect((await store.readAll()).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4]);
    } finally {
      await store.close();
    }
  });
});
