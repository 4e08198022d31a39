import { endAllPools } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type { EventStore } from '@ody/eventsourcing';
import { postgresEventStore } from '@ody/eventsourcing/postgres';
import pg from 'pg';

/** A throwaway database for one run; both stores live in it. */
export async function benchDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = new pg.Client({ connectionString: baseUrl });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `ody_bench_${process.pid}_${Date.now()}`;
  await admin.query(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Ody's PostgreSQL store (pool of `max` connections). */
export function odyPg(url: string, max: number, schema = 'ody'): Promise<EventStore & { close(): Promise<void> }> {
  return postgresEventStore({ connectionString: url, schema, maxConnections: max });
}

/** Emmett's PostgreSQL store behind Ody's append signature, for the same workload. */
export async function emmettPg(url: string, max: number) {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  const es = getPostgreSQLEventStore(url, { connectionOptions: { pooled: true, pool } } as never);
  // Emmett creates its schema lazily on first use; warm it up outside the measurement.
  await es.appendToStream('warmup', [{ type: 'Tick', data: {} }]);
  return {
    async append(stream: string, events: readonly { type: string; data: unknown }[], options: { expectedVersion?: number | 'no-stream' }) {
      const expected = options.expectedVersion === 'no-stream' ? 'STREAM_DOES_NOT_EXIST' : BigInt(options.expectedVersion ?? 0);
      const r = await es.appendToStream(stream, events as never, { expectedStreamVersion: expected as never });
      return { nextExpectedVersion: Number(r.nextExpectedStreamVersion) };
    },
    close: async () => {
      await es.close();
      await pool.end().catch(() => undefined);
      await endAllPools();
    },
  };
}
