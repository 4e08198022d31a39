/**
 * Event sourcing suite: the file store durable (group commit) against an fsync-per-append baseline on
 * the same disk; PostgreSQL appends (1 and 10-event batches, 1 and 50 writers) of Ody's store against
 * Emmett's (`@event-driven-io/emmett-postgresql`) on the same server; aggregate rebuild of a
 * 1,000-event stream with and without a snapshot; async projection append → handled lag.
 */
import { tmpdir } from 'node:os';
import type { EventStore } from '@ody/eventsourcing';
import { median } from '../measure.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';
import { appendRate, projectionLag, rebuildMs, tempFileStore } from './eventsourcing/file.js';
import { benchDatabase, emmettPg, odyPg } from './eventsourcing/postgres.js';

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const q = options.quick;
  const rounds = q ? 1 : 3;
  const rows: Row[] = [];
  const ratios: Record<string, number> = {};
  const notes: string[] = [];

  // File store: 50 writers, one event per append, durable either way.
  const durable: number[] = [];
  const perEvent: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await tempFileStore(true);
    durable.push(await appendRate(a.store, 50, q ? 200 : 1000));
    await a.done();
    const b = await tempFileStore(false);
    perEvent.push(await appendRate(b.store, 50, q ? 20 : 60));
    await b.done();
  }
  rows.push({ name: 'file-durable', metric: 'events/s c50', value: median(durable) });
  rows.push({ name: 'fsync-per-event', metric: 'events/s c50', value: median(perEvent) });
  ratios['file-durable/fsync-per-event'] = median(durable) / median(perEvent);

  const f = await tempFileStore(true);
  rows.push({ name: 'file rebuild 1000', metric: 'ms p50', value: await rebuildMs(f.store, 1000, false, q ? 10 : 50) });
  rows.push({ name: 'file rebuild 1000 + snapshot', metric: 'ms p50', value: await rebuildMs(f.store, 1000, true, q ? 10 : 50) });
  const lag = await projectionLag(f.store, q ? 200 : 1000);
  rows.push({ name: 'file projection lag', metric: 'ms p50', value: lag.p50 }, { name: 'file projection lag', metric: 'ms p99', value: lag.p99 });
  await f.done();

  // Redis store: same workload as the file rows, against a spawned redis-server (or REDIS_URL).
  try {
    const { startRedis } = await import('../../../test-support/redis-server.js');
    const redis = await startRedis({});
    try {
      const { redisEventStore } = await import('@ody/eventsourcing/redis');
      const samples: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const store = redisEventStore({ url: redis.url, prefix: `${redis.prefix}-bench-${r}` });
        samples.push(await appendRate(store, 50, q ? 200 : 1000));
        await store.close();
      }
      rows.push({ name: 'redis', metric: 'events/s c50', value: median(samples) });
    } finally {
      await redis.stop();
    }
  } catch (err) {
    notes.push(`Redis row skipped: ${(err as Error).message}`);
  }

  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await benchDatabase(base);
  if (db === undefined) {
    notes.push(`PostgreSQL rows skipped: nothing answered at ${base.replace(/\/\/[^@]*@/, '//')}.`);
  } else {
    try {
      const pool = 20;
      const ody = await odyPg(db.url, pool);
      const emmett = await emmettPg(db.url, pool);
      let tag = 0;
      for (const [writers, batch, per] of [
        [1, 1, q ? 200 : 1000],
        [50, 1, q ? 20 : 100],
        [1, 10, q ? 100 : 500],
        [50, 10, q ? 10 : 50],
      ] as const) {
        const o: number[] = [];
        const e: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const order = r % 2 === 0 ? ['ody', 'emmett'] : ['emmett', 'ody'];
          for (const who of order) {
            const store = (who === 'ody' ? ody : emmett) as unknown as EventStore;
            (who === 'ody' ? o : e).push(await appendRate(store, writers, per, batch, `${who}-${writers}-${batch}-${tag++}`));
          }
        }
        const key = `append${batch === 10 ? '10' : ''}-c${writers}`;
        rows.push({ name: `ody-pg-${key}`, metric: 'events/s', value: median(o) }, { name: `emmett-pg-${key}`, metric: 'events/s', value: median(e) });
        ratios[`ody-pg-${key}/emmett-pg-${key}`] = median(o) / median(e);
      }
      const rebuildNo = await rebuildMs(ody, 1000, false, q ? 10 : 50);
      const rebuildSnap = await rebuildMs(ody, 1000, true, q ? 10 : 50);
      rows.push({ name: 'pg rebuild 1000', metric: 'ms p50', value: rebuildNo }, { name: 'pg rebuild 1000 + snapshot', metric: 'ms p50', value: rebuildSnap });
      await ody.close();
      await emmett.close();
      notes.push(
        `PostgreSQL: one fresh database per run, both stores with a pool of ${pool} connections, same workload (each writer appends to its own stream with its expected version). Ody hands out global positions in commit order (appends serialise through commit); Emmett reads below pg_snapshot_xmin instead.`,
      );
    } finally {
      await db.drop();
    }
  }
  notes.push(`file rows: 50 writers, one event per append, fdatasync before acknowledging; fsync-per-event turns group commit off. Disk: ${tmpdir()}.`);
  notes.push('The machine is shared with other jobs; compare rows of one run, not across runs.');
  return { rows, ratios, notes };
}

const suite: Suite = { name: 'eventsourcing', run };
export default suite;
