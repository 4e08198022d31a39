import type pg from 'pg';
import { expect, it } from 'vitest';
import { describeWithPostgres } from '../../../../test-support/postgres-harness.js';
import { Counter, orderDecider, orderTypes } from '../fixtures/domain.js';
import { eventTypes } from '../model/registry.js';
import { aggregateRepository, deciderRepository } from '../model/repository.js';
import { type AsyncProjection, ProjectionRunner } from '../projections/async.js';
import { until } from '../testing/api.js';
import { createApplication } from '@ody/core';
import { eventStorePlugin } from '../plugin/plugin.js';
import type { CheckpointStore } from '../projections/checkpoints.js';
import { EventStore, Projections } from '../tokens.js';
import { PostgresCheckpointStore, type PostgresEventStore, postgresEventStore } from './index.js';

describeWithPostgres('postgres: repositories and projections', (db) => {
  it('retries conflicts, snapshots, and snapshot + tail = full replay', async () => {
    const store = await postgresEventStore({ connectionString: db.url, schema: db.schema() });
    try {
      const counters = aggregateRepository(() => new Counter(), { store, types: eventTypes().register('Incremented'), retry: { attempts: 100 } });
      await Promise.all(Array.from({ length: 20 }, (_, i) => counters.handle('c', (c) => c.increment(i + 1))));
      expect((await counters.load('c')).state.total).toBe(210);

      const types = orderTypes();
      const snapped = deciderRepository(orderDecider, { store, types, snapshots: { every: 10 } });
      await snapped.execute('o', { type: 'PlaceOrder', orderId: 'o', sku: 's', qty: 1 });
      for (let i = 1; i < 25; i++) await snapped.execute('o', { type: 'AddItem', orderId: 'o', sku: `s${i % 3}`, qty: i });
      const a = await snapped.load('o');
      const b = await deciderRepository(orderDecider, { store, types }).load('o');
      expect(a.fromSnapshot).toBe(true);
      expect((await store.loadSnapshot('o'))?.version).toBe(20);
      expect(a.state).toEqual(b.state);
      expect(a.version).toBe(25);
    } finally {
      await store.close();
    }
  });

  it('commits a read model and its checkpoint in one transaction: two competing runners project each event once', async () => {
    const schema = db.schema();
    const store = await postgresEventStore({ connectionString: db.url, schema });
    try {
      await store.pool.query(`create table "${schema}".seen (global_position bigint primary key, stream text not null)`);
      const view: AsyncProjection<pg.PoolClient> = {
        name: 'seen',
        async handle(events, tx) {
          for (const e of events) await tx.query(`insert into "${schema}".seen values ($1, $2)`, [e.globalPosition, e.stream]);
        },
      };
      const checkpoints = new PostgresCheckpointStore(store.pool, { schema });
      const runners = [0, 1].map(() => new ProjectionRunner(view, { store, checkpoints, batchSize: 7, pollMs: 5, backoff: { type: 'fixed', delayMs: 1 } }));
      for (const r of runners) r.start();
      await Promise.all(Array.from({ length: 10 }, async (_, w) => {
        for (let i = 0; i < 20; i++) await store.append(`w-${w}`, [{ type: 'T', data: { i } }]);
      }));
      await until('both runners caught up', async () => (await checkpoints.load('seen')) === 200);
      await Promise.all(runners.map((r) => r.stop()));
      // A duplicate insert would have failed the primary key and been retried, never committed twice.
      const { rows } = await store.pool.query(`select count(*)::int as n, count(distinct global_position)::int as d from "${schema}".seen`);
      expect(rows[0]).toEqual({ n: 200, d: 200 });
      expect(await checkpoints.deadLetters('seen')).toEqual([]);
      expect(await runners[0]!.status()).toMatchObject({ position: 200, head: 200, lagEvents: 0 });
    } finally {
      await store.close();
    }
  });

  it('dead-letters a poison event into the dead_letters table and rolls back its partial writes', async () => {
    const schema = db.schema();
    const store = await postgresEventStore({ connectionString: db.url, schema });
    try {
      await store.pool.query(`create table "${schema}".seen (global_position bigint primary key)`);
      const view: AsyncProjection<pg.PoolClient> = {
        name: 'poisoned',
        async handle(events, tx) {
          for (const e of events) {
            await tx.query(`insert into "${schema}".seen values ($1)`, [e.globalPosition]);
            if ((e.data as { bad?: boolean }).bad) throw new Error('bad event');
          }
        },
      };
      const checkpoints = new PostgresCheckpointStore(store.pool, { schema });
      await store.append('s', [{ type: 'T', data: {} }, { type: 'T', data: { bad: true } }, { type: 'T', data: {} }]);
      await new ProjectionRunner(view, { store, checkpoints, attempts: 2, backoff: { type: 'fixed', delayMs: 1 } }).catchUp();
      const { rows } = await store.pool.query(`select global_position::int as p from "${schema}".seen order by 1`);
      expect(rows.map((r) => r.p)).toEqual([1, 3]);
      const dead = await checkpoints.deadLetters('poisoned');
      expect(dead.map((d) => d.event.globalPosition)).toEqual([2]);
      expect(dead[0]!.error).toContain('bad event');
      expect(await checkpoints.load('poisoned')).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('eventStorePlugin with driver postgres (ODY_EVENTSTORE_DRIVER=postgres) runs projections on PostgreSQL checkpoints', async () => {
    const schema = db.schema();
    const seen: number[] = [];
    const view: AsyncProjection<pg.PoolClient> = {
      name: 'plugin-view',
      async handle(events, tx) {
        await tx.query('select 1');
        seen.push(...events.map((e) => e.globalPosition));
      },
    };
    const previous = process.env.ODY_EVENTSTORE_DRIVER;
    process.env.ODY_EVENTSTORE_DRIVER = 'postgres';
    try {
      const app = await createApplication({
        plugins: [
          eventStorePlugin({
            projections: [view as AsyncProjection],
            postgres: (c) => postgresEventStore({ connectionString: c.url, schema: c.schema }),
            checkpoints: (store, c) => new PostgresCheckpointStore((store as PostgresEventStore).pool, { schema: c.schema }) as CheckpointStore,
          }),
        ],
        config: { eventstore: { url: db.url, schema, pollMs: 20 } },
      });
      await app.start();
      try {
        const store = app.get(EventStore);
        expect(store.name).toBe('postgres');
        await store.append('x', [{ type: 'A', data: {} }, { type: 'B', data: {} }]);
        const runner = app.get(Projections).get('plugin-view')!;
        await until('projected and checkpointed through the plugin', async () => (await runner.status()).position === 2);
        expect(seen).toEqual([1, 2]);
        expect(await runner.status()).toMatchObject({ position: 2, head: 2, lagEvents: 0 });
      } finally {
        await app.stop();
      }
    } finally {
      if (previous === undefined) delete process.env.ODY_EVENTSTORE_DRIVER;
      else process.env.ODY_EVENTSTORE_DRIVER = previous;
    }
  });

  it('with notify, a projection in another process (another store instance) wakes on commit instead of polling', async () => {
    const schema = db.schema();
    const writer = await postgresEventStore({ connectionString: db.url, schema, notify: true });
    const reader = await postgresEventStore({ connectionString: db.url, schema, notify: true });
    const seen: string[] = [];
    const runner = new ProjectionRunner(
      { name: 'woken', handle: (events) => void seen.push(...events.map((e) => e.stream)) },
      // A poll interval far beyond the wait below: only a notification can wake the runner.
      { store: reader, checkpoints: new PostgresCheckpointStore(reader.pool, { schema }), pollMs: 3_600_000 },
    );
    try {
      runner.start();
      await until('the runner is idle on an empty log', async () => (await runner.status()).head === 0);
      // The LISTEN connection may not be up for the first append; a later append's NOTIFY still wakes
      // the runner, which then reads from its checkpoint (so s-0 comes first either way).
      for (let i = 0; i < 3 && seen.length === 0; i++) {
        await writer.append(`s-${i}`, [{ type: 'A', data: {} }]);
        await until('woken by NOTIFY', () => seen.length > 0, 10_000).catch(() => undefined);
      }
      expect(seen[0]).toBe('s-0');
    } finally {
      await runner.stop();
      await reader.close();
      await writer.close();
    }
  });
});
