import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication } from '@ody/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { AsyncProjection } from '../projections/async.js';
import { until } from '../testing/api.js';
import { EventStore, Projections } from '../tokens.js';
import { memoryEventStore } from '../memory/store.js';
import { eventStorePlugin } from './plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'ody-es-plugin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eventStorePlugin', () => {
  it('binds the file store, runs projections with file checkpoints, and resumes after a restart', async () => {
    const seen: string[] = [];
    const view: AsyncProjection = {
      name: 'streams',
      handle(events) {
        seen.push(...events.map((e) => e.stream));
      },
    };
    const start = () => createApplication({ plugins: [eventStorePlugin({ projections: [view] })], config: { eventstore: { dir, pollMs: 20 } } });
    const app = await start();
    await app.start();
    const store = app.get(EventStore);
    expect(store.name).toBe('file');
    await store.append('a', [{ type: 'X', data: {} }]);
    await until('projected', () => seen.length === 1);
    await app.stop();

    const again = await start();
    await again.start();
    await again.get(EventStore).append('b', [{ type: 'X', data: {} }]);
    const runner = again.get(Projections).get('streams')!;
    await until('projected and checkpointed after restart', async () => (await runner.status()).position === 2);
    expect(seen).toEqual(['a', 'b']);
    expect(await runner.status()).toMatchObject({ position: 2, head: 2, deadLetters: 0 });
    await again.stop();
  });

  it('says what is missing for driver postgres', async () => {
    const app = await createApplication({ plugins: [eventStorePlugin()], config: { eventstore: { driver: 'postgres', url: 'postgres://x' } } });
    await expect(app.start()).rejects.toThrow(/postgres/);
  });

  it('builds the Redis store through the redis factory for driver redis (url and prefix from config), and says when it is missing', async () => {
    const missing = await createApplication({ plugins: [eventStorePlugin()], config: { eventstore: { driver: 'redis' } } });
    await expect(missing.start()).rejects.toThrow(/redis/);
    const seen: Array<{ url: string; prefix: string }> = [];
    const app = await createApplication({
      plugins: [
        eventStorePlugin({
          redis: (c) => {
            seen.push({ url: c.url, prefix: c.prefix });
            return memoryEventStore();
          },
        }),
      ],
      config: { eventstore: { driver: 'redis', url: 'redis://example:6380', prefix: 'shop' } },
    });
    await app.start();
    expect(seen).toEqual([{ url: 'redis://example:6380', prefix: 'shop' }]);
    await app.stop();
  });
});
