import pg from 'pg';
import * as vitest from 'vitest';
import { expect, it } from 'vitest';
import { describeWithPostgres } from '../../../../test-support/postgres-harness.js';
import { inlineProjection } from '../projections/inline.js';
import { until } from '../testing/api.js';
import { eventStoreConformance } from '../testing/index.js';
import { postgresEventStore } from './index.js';

describeWithPostgres('postgres event store', (db) => {
  // The load case in full: 50 writers × 1,000 events (group commit makes it a few seconds).
  eventStoreConformance('postgres', () => postgresEventStore({ connectionString: db.url, schema: db.schema(), maxConnections: 20 }), vitest, {
    writers: 50,
    eventsPerWriter: 1000,
  });

  it('runs inline projections in the append transaction: a throw rolls both back', async () => {
    const schema = db.schema();
    const store = await postgresEventStore({
      connectionString: db.url,
      schema,
      projections: [
        inlineProjection<pg.PoolClient>({
          name: 'totals',
          types: ['Added'],
          async apply(events, tx) {
            for (const e of events) {
              const { n } = e.data as { n: number };
              if (n < 0) throw new Error('negative');
              await tx.query(`insert into "${schema}".totals (stream, total) values ($1, $2) on conflict (stream) do update set total = "${schema}".totals.total + $2`, [e.stream, n]);
            }
          },
        }),
      ],
    });
    try {
      await store.pool.query(`create table "${schema}".totals (stream text primary key, total int not null)`);
      await store.append('cart-1', [{ type: 'Added', data: { n: 2 } }, { type: 'Other', data: {} }, { type: 'Added', data: { n: 3 } }]);
      await expect(store.append('cart-1', [{ type: 'Added', data: { n: 5 } }, { type: 'Added', data: { n: -1 } }])).rejects.toMatchObject({
        code: 'ODY_EVENTSOURCING_PROJECTION_FAILED',
      });
      const { rows } = await store.pool.query(`select total from "${schema}".totals where stream = 'cart-1'`);
      expect(rows[0].total).toBe(5);
      expect(await store.streamVersion('cart-1')).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('group commit: concurrent appends share statements; a conflict or a refused event fails only its own append', async () => {
    const store = await postgresEventStore({ connectionString: db.url, schema: db.schema() });
    const query = store.pool.query.bind(store.pool);
    let statements = 0;
    store.pool.query = ((...args: Parameters<typeof query>) => {
      statements++;
      return query(...args);
    }) as typeof store.pool.query;
    try {
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`s${i}`, [{ type: 'n', data: { i } }], { expectedVersion: 'no-stream' })));
      // The first goes out alone, the 19 that queued meanwhile as one batch.
      expect(statements).toBe(2);
      expect(many.map((r) => r.lastPosition).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      await store.append('a', [{ type: 'n', data: 1 }]);
      statements = 0;
      const results = await Promise.allSettled([
        store.append('a', [{ type: 'n', data: 2 }], { expectedVersion: 1 }),
        store.append('a', [{ type: 'n', data: 3 }], { expectedVersion: 1 }),
        // jsonb refuses \u0000: the batch is refused whole, then retried append by append.
        store.append('b', [{ type: 'n', data: 'nul \u0000' }]),
        store.append('c', [{ type: 'n', data: 4 }], { expectedVersion: 'no-stream' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ODY_EVENTSOURCING_VERSION_CONFLICT' });
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'ODY_EVENTSOURCING_SERVER' });
      expect(statements).toBe(1 + 1 + 3);
      expect((await store.read('a')).map((e) => e.data)).toEqual([1, 2]);
      expect(await store.streamVersion('b')).toBe(0);
      expect((await store.read('c')).map((e) => e.data)).toEqual([4]);
      const all = await store.readAll();
      expect(all.map((e) => e.globalPosition)).toEqual(all.map((_, i) => i + 1));
    } finally {
      await store.close();
    }
  });

  it('never lets a reader see a later position before an earlier one commits', async () => {
    const schema = db.schema();
    const store = await postgresEventStore({ connectionString: db.url, schema });
    const slow = new pg.Client({ connectionString: db.url });
    await slow.connect();
    try {
      // A slow writer takes position 1 inside an open transaction …
      await slow.query('begin');
      await slow.query(`select * from "${schema}".append_events('slow', 'any', '[{"id":"a","type":"A","v":1,"data":{},"meta":{}}]'::jsonb)`);
      // … a fast writer must wait for it rather than commit position 2 first.
      const fast = store.append('fast', [{ type: 'B', data: {} }]);
      let fastDone = false;
      void fast.then(() => {
        fastDone = true;
      });
      const { rows } = await store.pool.query(`select count(*)::int as n from "${schema}".events`);
      expect(rows[0].n).toBe(0);
      expect(await store.readAll()).toEqual([]);
      expect(fastDone).toBe(false);
      await slow.query('commit');
      const r = await fast;
      expect(r.lastPosition).toBe(2);
      expect((await store.readAll()).map((e) => e.stream)).toEqual(['slow', 'fast']);
    } finally {
      await slow.end();
      await store.close();
    }
  });

  it('survives the server killing its idle connections (no crash; the next append reconnects)', async () => {
    const schema = db.schema();
    const errors: Error[] = [];
    const store = await postgresEventStore({ connectionString: db.url, schema, onError: (e) => errors.push(e) });
    try {
      await Promise.all([store.append('a', [{ type: 'A', data: {} }]), store.append('b', [{ type: 'A', data: {} }])]);
      expect(store.pool.idleCount).toBeGreaterThan(0);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      const killed = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = '' and pid <> pg_backend_pid() and query like '%${schema}%'`);
      await admin.end();
      // Every killed connection must have been dropped by the pool, or the append could draw one still dying.
      await until('the pool saw its connections die', () => errors.length >= (killed.rowCount ?? 1));
      await store.append('a', [{ type: 'A', data: {} }], { expectedVersion: 1 });
      expect(await store.streamVersion('a')).toBe(2);
    } finally {
      await store.close();
    }
  });
});
