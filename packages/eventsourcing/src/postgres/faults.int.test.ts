// Fault suite of the PostgreSQL event store on a server of its own: a backend SIGKILLed mid-traffic (the
// postmaster then restarts every backend: crash recovery), backends SIGSTOPped while they hold the log's
// lock, connections terminated. An acknowledged append is never lost or doubled, the global log stays
// gap-free and each stream dense; a failed append is a typed OdyError ("may or may not be stored" only
// when the connection died during commit); nothing rejects unhandled and the store keeps working.
import { OdyError } from '@ody/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { describeWithPostgres } from '../../../../test-support/postgres-harness.js';
import { until } from '../../../../test-support/wait.js';
import type { EventStore } from '../store/types.js';
import { postgresEventStore } from './index.js';

const unhandled: unknown[] = [];
const onUnhandled = (err: unknown) => unhandled.push(err);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  expect(unhandled, 'no unhandled rejection').toEqual([]);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

interface Outcome {
  acked: Map<string, number>;
  failed: unknown[];
}

/** `writers` streams appending one event at a time (odd ones with 'any', even ones with their version). */
function runWriters(store: EventStore, writers: number): { outcome: Outcome; appended: () => number; stop: () => Promise<void> } {
  const outcome: Outcome = { acked: new Map(), failed: [] };
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    const stream = `w${w}`;
    let version = 0;
    let n = 0;
    while (running) {
      const id = `00000000-0000-4000-8000-${String(w).padStart(4, '0')}${String(n++).padStart(8, '0')}`;
      try {
        const expectedVersion = w % 2 === 1 ? 'any' : version === 0 ? 'no-stream' : version;
        const r = await store.append(stream, [{ id, type: 'n', data: { n } }], { expectedVersion });
        outcome.acked.set(id, r.events[0]!.streamPosition);
        version = r.nextExpectedVersion;
      } catch (err) {
        outcome.failed.push(err);
        // The server may be restarting: wait until it answers, then re-read where the stream stands.
        version = await until('the stream version after a failure', () => store.streamVersion(stream).then((v) => ({ v })), { timeoutMs: 20_000 }).then((r) => r.v);
      }
    }
  });
  return { outcome, appended: () => outcome.acked.size, stop: async () => { running = false; await Promise.all(loops); } };
}

async function checkLog(store: EventStore, outcome: Outcome): Promise<void> {
  const all = await store.readAll();
  expect(all.map((e) => e.globalPosition), 'the global log is gap-free').toEqual(all.map((_, i) => i + 1));
  const ids = all.map((e) => e.id);
  expect(new Set(ids).size, 'no event stored twice').toBe(ids.length);
  const byStream = new Map<string, number[]>();
  for (const e of all) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e.streamPosition]);
  for (const [stream, positions] of byStream) expect(positions, `stream ${stream} is dense`).toEqual(positions.map((_, i) => i + 1));
  const stored = new Map(all.map((e) => [e.id, e.streamPosition]));
  for (const [id, position] of outcome.acked) expect(stored.get(id), `acknowledged event ${id}`).toBe(position);
  for (const err of outcome.failed) expect(OdyError.is(err), `a failed append is a typed OdyError: ${String(err)}`).toBe(true);
}

async function backends(admin: pg.Client, schema: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    `select pid from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend' and query like $1`,
    [`%${schema}%`],
  );
  return rows.map((r) => r.pid);
}

describeWithPostgres('postgres event store fault suite', (db) => {
  it('a backend SIGKILLed twice mid-traffic (the server restarts every backend): acknowledged appends all stored once, log gap-free', async () => {
    const schema = db.schema();
    const store = await postgresEventStore({ connectionString: db.url, schema, onError: () => {} });
    const writers = runWriters(store, 8);
    try {
      for (let round = 1; round <= 2; round++) {
        const at = writers.appended();
        await until(`round ${round}: appends`, () => writers.appended() >= at + 150, { timeoutMs: 30_000 });
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        const [victim] = await until('a busy backend', () => backends(admin, schema).then((p) => (p.length > 0 ? p : undefined)));
        await admin.end();
        process.kill(victim!, 'SIGKILL');
        await until(`round ${round}: failures seen`, () => writers.outcome.failed.length >= round, { timeoutMs: 20_000 });
      }
      const at = writers.appended();
      await until('appends after the crashes', () => writers.appended() >= at + 150, { timeoutMs: 30_000 });
      await writers.stop();
      await checkLog(store, writers.outcome);
    } finally {
      await writers.stop();
      await store.close();
    }
  }, 60_000);

  it('backends SIGSTOPped, then every connection terminated: appends wait or fail typed, none lost or doubled', async () => {
    const schema = db.schema();
    const store = await postgresEventStore({ connectionString: db.url, schema, onError: () => {} });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const writers = runWriters(store, 8);
    let frozen: number[] = [];
    try {
      await until('first appends', () => writers.appended() >= 150, { timeoutMs: 30_000 });
      frozen = await until('busy backends', () => backends(admin, schema).then((p) => (p.length > 0 ? p : undefined)));
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      await until('the backends are stopped', () => frozen.every((pid) => /^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))));
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      frozen = [];
      const at = writers.appended();
      await until('appends after the thaw', () => writers.appended() >= at + 150, { timeoutMs: 30_000 });
      const terminated = await admin.query<{ t: boolean }>('select pg_terminate_backend(pid) as t from pg_stat_activity where pid <> pg_backend_pid() and backend_type = $1 and datname = current_database()', ['client backend']);
      // The store's connections were cut (in-flight appends fail typed; idle ones are replaced unseen).
      expect(terminated.rows.filter((r) => r.t).length, 'connections terminated').toBeGreaterThan(0);
      const after = writers.appended();
      await until('appends after the terminations', () => writers.appended() >= after + 150, { timeoutMs: 30_000 });
      await writers.stop();
      await checkLog(store, writers.outcome);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      await writers.stop();
      await admin.end();
      await store.close();
    }
  }, 60_000);

  it('bad input: a store whose schema functions were dropped fails typed; a closed store fails typed', async () => {
    const schema = db.schema();
    const store = await postgresEventStore({ connectionString: db.url, schema });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await store.append('s', [{ type: 'n', data: 1 }]);
      await admin.query(`drop function "${schema}".append_events cascade; drop function "${schema}".append_batch cascade`);
      const err = await store.append('s', [{ type: 'n', data: 2 }]).catch((e: unknown) => e);
      expect(OdyError.is(err), String(err)).toBe(true);
      expect(await store.read('s')).toHaveLength(1);
    } finally {
      await admin.end();
      await store.close();
    }
    const closed = await store.append('s', [{ type: 'n', data: 1 }]).catch((e: unknown) => e);
    expect(OdyError.is(closed, 'ODY_EVENTSOURCING_STORE_CLOSED')).toBe(true);
  });
}, { private: true });
