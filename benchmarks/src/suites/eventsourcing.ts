/**
 * Event sourcing suite, one invocation on one machine:
 * - PostgreSQL appends (1 event and 10-event batches with expected versions, 1 and 50 writers) of Ody's
 *   store against Emmett's (`@event-driven-io/emmett-postgresql`) in one fresh database on the same
 *   server, alternating rounds; CPU of this process per event beside each;
 * - the file store durable (fdatasync'd, group commit) against an fsync-per-event baseline (group
 *   commit off) on the same disk, alternating rounds;
 * - the Redis store on a redis-server of its own (pinned apart from this process where `taskset` allows);
 * - stream read + aggregate rebuild of a 1,000-event stream with and without a snapshot (file, PostgreSQL);
 * - async projection lag, append → handled, p50/p99 (file, PostgreSQL).
 */
import { availableParallelism, tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import type { EventStore } from '@ody/eventsourcing';
import { alternate, median, ratioEntries, ratioOf, roundsFor, type Spread } from '../measure.js';
import { canPin, pinPid } from '../pin.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';
import { appendRun, projectionLag, rebuildMs, tempFileStore } from './eventsourcing/file.js';
import { benchDatabase, emmettPg, odyPg } from './eventsourcing/postgres.js';

/** user + system CPU of another process in µs (Linux /proc), or NaN. */
function processCpuUs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Delete the keys matching `pattern` on a Redis the suite does not own (an external REDIS_URL). */
async function dropKeys(client: { scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>; del(...keys: string[]): Promise<number> }, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const started = Date.now();
  const q = options.quick;
  const rounds = roundsFor(q, { quick: 2, full: 5 });
  const rows: Row[] = [];
  const spreads: Record<string, Spread> = {};
  const notes: string[] = [];
  const cpuRow = (name: string, samples: number[]) => rows.push({ name, metric: 'client CPU µs/event', value: median(samples) });

  // File store: 50 writers, one event per append with its expected version, durable either way.
  {
    const cpu: Record<string, number[]> = { 'file-durable': [], 'file-durable-c500': [] };
    let tag = 0;
    const once = async (groupCommit: boolean, writers: number, per: number, name?: string) => {
      const f = await tempFileStore(groupCommit);
      try {
        const r = await appendRun(f.store, writers, per, 1, `f${tag++}`);
        if (name !== undefined) cpu[name]!.push(r.cpuUs);
        return r.rate;
      } finally {
        await f.done();
      }
    };
    const s = await alternate(rounds, {
      'file-durable': () => once(true, 50, q ? 200 : 1000, 'file-durable'),
      'file-durable-c500': () => once(true, 500, q ? 20 : 100, 'file-durable-c500'),
      'fsync-per-event': () => once(false, 50, q ? 6 : 20),
    });
    for (const [name, v] of Object.entries(s)) rows.push({ name, metric: `events/s c${name.endsWith('c500') ? 500 : 50}`, value: median(v) });
    cpuRow('file-durable', cpu['file-durable']!);
    cpuRow('file-durable-c500', cpu['file-durable-c500']!);
    spreads['file-durable/fsync-per-event'] = ratioOf(s['file-durable'], s['fsync-per-event']);
    spreads['file-durable-c500/fsync-per-event'] = ratioOf(s['file-durable-c500'], s['fsync-per-event']);
  }

  const f = await tempFileStore(true);
  try {
    rows.push({ name: 'file rebuild 1000', metric: 'ms p50', value: await rebuildMs(f.store, 1000, false, q ? 10 : 50) });
    rows.push({ name: 'file rebuild 1000 + snapshot', metric: 'ms p50', value: await rebuildMs(f.store, 1000, true, q ? 10 : 50) });
    const lag = await projectionLag(f.store, q ? 200 : 1000);
    rows.push({ name: 'file projection lag', metric: 'ms p50', value: lag.p50 }, { name: 'file projection lag', metric: 'ms p99', value: lag.p99 });
  } finally {
    await f.done();
  }

  // Redis store: its own redis-server (no persistence, as a cache-class Redis is run), server on one
  // core and this process on the other while it runs.
  try {
    const { startRedis } = await import('../../../test-support/redis-server.js');
    const redis = await startRedis({});
    const serverPid = redis.server?.pid();
    const pinnedApart = serverPid !== undefined && canPin() && pinPid(serverPid, '1') && pinPid(process.pid, '0');
    try {
      const { redisEventStore } = await import('@ody/eventsourcing/redis');
      const client: number[] = [];
      const server: number[] = [];
      const s = await alternate(rounds, {
        redis: async () => {
          const store = redisEventStore({ url: redis.url, prefix: `${redis.prefix}-bench-${client.length}` });
          try {
            const s0 = processCpuUs(serverPid);
            const r = await appendRun(store, 50, q ? 400 : 2000, 1, 'r');
            client.push(r.cpuUs);
            server.push((processCpuUs(serverPid) - s0) / (50 * (q ? 400 : 2000)));
            return r.rate;
          } finally {
            if (serverPid === undefined) await dropKeys(store.client as never, `{${redis.prefix}-bench-*`);
            await store.close();
          }
        },
      });
      rows.push({ name: 'redis', metric: 'events/s c50', value: median(s.redis) });
      cpuRow('redis', client);
      if (serverPid !== undefined) rows.push({ name: 'redis', metric: 'server CPU µs/event', value: median(server) });
      notes.push(
        `redis: 50 writers, one event per append with its expected version, on a redis-server of its own${serverPid === undefined ? ' (REDIS_URL: external, no server CPU row)' : ''}; ${pinnedApart ? 'redis-server pinned to core 1 and this process to core 0 while it ran' : 'not pinned'}; events/s spread ${Math.round(Math.min(...s.redis))}–${Math.round(Math.max(...s.redis))} over ${rounds} rounds.`,
      );
    } finally {
      if (pinnedApart) pinPid(process.pid, `0-${availableParallelism() - 1}`);
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
      // Projection lag first, in a schema of its own (the projection reads the whole log).
      const lagStore = await odyPg(db.url, 4, 'lag');
      try {
        const lag = await projectionLag(lagStore, q ? 200 : 1000);
        rows.push({ name: 'pg projection lag', metric: 'ms p50', value: lag.p50 }, { name: 'pg projection lag', metric: 'ms p99', value: lag.p99 });
      } finally {
        await lagStore.close();
      }
      const ody = await odyPg(db.url, pool);
      const emmett = await emmettPg(db.url, pool);
      try {
        let tag = 0;
        for (const [writers, batch, per] of [
          [1, 1, q ? 150 : 500],
          [50, 1, q ? 20 : 60],
          [1, 10, q ? 50 : 200],
          [50, 10, q ? 6 : 20],
        ] as const) {
          const key = `append${batch === 10 ? '10' : ''}-c${writers}`;
          const cpu: Record<'ody' | 'emmett', number[]> = { ody: [], emmett: [] };
          const once = async (who: 'ody' | 'emmett') => {
            const store = (who === 'ody' ? ody : emmett) as unknown as EventStore;
            const r = await appendRun(store, writers, per, batch, `${who}-${key}-${tag++}`);
            cpu[who].push(r.cpuUs);
            return r.rate;
          };
          const s = await alternate(rounds, { ody: () => once('ody'), emmett: () => once('emmett') });
          rows.push({ name: `ody-pg-${key}`, metric: 'events/s', value: median(s.ody) }, { name: `emmett-pg-${key}`, metric: 'events/s', value: median(s.emmett) });
          cpuRow(`ody-pg-${key}`, cpu.ody);
          cpuRow(`emmett-pg-${key}`, cpu.emmett);
          spreads[`ody-pg-${key}/emmett-pg-${key}`] = ratioOf(s.ody, s.emmett);
          spreads[`ody-pg-${key}-cpu/emmett-pg-${key}-cpu`] = ratioOf(cpu.ody, cpu.emmett, false);
        }
        const rebuildNo = await rebuildMs(ody, 1000, false, q ? 10 : 50);
        const rebuildSnap = await rebuildMs(ody, 1000, true, q ? 10 : 50);
        rows.push({ name: 'pg rebuild 1000', metric: 'ms p50', value: rebuildNo }, { name: 'pg rebuild 1000 + snapshot', metric: 'ms p50', value: rebuildSnap });
      } finally {
        await ody.close();
        await emmett.close();
      }
      notes.push(
        `PostgreSQL: one fresh database per run (dropped after), both stores with a pool of ${pool} connections, same workload (each writer appends to its own stream with its expected version), ${rounds} rounds alternating which store goes first. Ody groups the appends that arrive while one is committing into one append_batch statement (one round trip, one WAL flush; global positions in commit order, gap-free); Emmett appends each call in its own transaction and reads below pg_snapshot_xmin. "client CPU": this process's CPU per event (the server is shared, so its CPU is not isolated). Node ${process.version}.`,
      );
    } finally {
      await db.drop();
    }
  }
  notes.push(
    `file rows: one event per append with its expected version, fdatasync before acknowledging; fsync-per-event turns group commit off (50 writers); file-durable-c500 has 500 writers. ${rounds} rounds alternating. Disk: ${tmpdir()}.`,
    'rebuild: a decider repository loads a 1,000-event stream (snapshot every 100 events in the "+ snapshot" row); projection lag: one append at a time, append call → async projection handler, with the in-process wake-up.',
    'The machine is shared with other jobs; compare rows of one run, not across runs.',
    `wall time of the suite: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
  return { rows, ...ratioEntries(spreads), notes };
}

const suite: Suite = { name: 'eventsourcing', run };
export default suite;
