// Fault suite of the Redis event store on a redis-server of its own (AOF, appendfsync always):
// redis-server SIGKILLed and restarted and SIGSTOPped while writers append, its connections dropped,
// garbage in its keys. An acknowledged append is never lost or doubled, the global log stays gap-free and
// each stream dense; a failed append is a typed OdyError; nothing rejects unhandled.
import { OdyError } from '@ody/core';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, afterAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { until } from '../../../../test-support/wait.js';
import type { EventStore } from '../store/types.js';
import { redisEventStore } from './index.js';

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
  acked: Map<string, number>; // event id → stream position the append returned
  failed: unknown[];
}

/** `writers` streams, each appending one event at a time with its expected version, until `stop()`. */
function runWriters(store: EventStore, writers: number): { outcome: Outcome; appended: () => number; stop: () => Promise<void> } {
  const outcome: Outcome = { acked: new Map(), failed: [] };
  let running = true;
  const loops = Array.from({ length: writers }, async (_, w) => {
    const stream = `w${w}`;
    let version = 0;
    let n = 0;
    while (running) {
      const id = `w${w}-e${n++}`;
      try {
        // Odd writers append with 'any': a re-sent append cannot be caught by the version check.
        const expectedVersion = w % 2 === 1 ? 'any' : version === 0 ? 'no-stream' : version;
        const r = await store.append(stream, [{ id, type: 'n', data: { n } }], { expectedVersion });
        outcome.acked.set(id, r.events[0]!.streamPosition);
        version = r.nextExpectedVersion;
      } catch (err) {
        outcome.failed.push(err);
        version = await store.streamVersion(stream).catch(() => version);
      }
    }
  });
  return { outcome, appended: () => outcome.acked.size, stop: async () => { running = false; await Promise.all(loops); } };
}

/** Every acked event is in the log once, the log is gap-free, each stream is 1, 2, 3, … */
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

describeWithRedis('redis event store fault suite', (redis) => {
  it('redis-server SIGKILLed twice while 8 writers append: every acknowledged append is stored once, the log is gap-free', async () => {
    const store = redisEventStore({ url: redis.url, prefix: `${redis.prefix}-kill` });
    (store.client as Redis).on('error', () => {});
    const writers = runWriters(store, 8);
    try {
      await until('first appends', () => writers.appended() >= 200, { timeoutMs: 20_000 });
      await redis.restart({ kill: true });
      await until('appends after the first restart', () => writers.appended() >= 600, { timeoutMs: 30_000 });
      await redis.restart({ kill: true });
      const before = writers.appended();
      await until('appends after the second restart', () => writers.appended() >= before + 200, { timeoutMs: 30_000 });
      await writers.stop();
      await checkLog(store, writers.outcome);
    } finally {
      await writers.stop();
      await store.close();
    }
  }, 60_000);

  it('a SIGSTOPped redis-server and dropped connections: appends wait or fail typed, none is lost or doubled', async () => {
    const store = redisEventStore({ url: redis.url, prefix: `${redis.prefix}-stop` });
    (store.client as Redis).on('error', () => {});
    const admin = new Redis(redis.url);
    const writers = runWriters(store, 8);
    const pid = redis.server!.pid()!;
    try {
      await until('first appends', () => writers.appended() >= 200, { timeoutMs: 20_000 });
      process.kill(pid, 'SIGSTOP');
      await until('the server process is stopped', () => /^\d+ \(.*\) T/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')));
      const frozenAt = writers.appended();
      process.kill(pid, 'SIGCONT');
      for (let round = 1; round <= 4; round++) {
        const at = writers.appended();
        await until(`round ${round}`, () => writers.appended() >= at + 100, { timeoutMs: 20_000 });
        expect(await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes')).toBeGreaterThan(0);
      }
      await until('appends after the drops', () => writers.appended() >= frozenAt + 600, { timeoutMs: 20_000 });
      await writers.stop();
      await checkLog(store, writers.outcome);
    } finally {
      process.kill(pid, 'SIGCONT');
      await writers.stop();
      await store.close();
      admin.disconnect();
    }
  });

  it('bad input: garbage in a stream or the log reads as a typed error; the store keeps working', async () => {
    const prefix = `${redis.prefix}-garbage`;
    const store = redisEventStore({ url: redis.url, prefix });
    const admin = new Redis(redis.url);
    try {
      await store.append('s', [{ type: 'n', data: 1 }]);
      await admin.rpush(`{${prefix}}:s:s`, 'not json');
      await admin.hset(`{${prefix}}:ver`, 's', '2');
      await admin.zadd(`{${prefix}}:log`, 2, '{"truncated":');
      await admin.set(`{${prefix}}:head`, '2');
      const readErr = await store.read('s').catch((e: unknown) => e);
      expect(OdyError.is(readErr), String(readErr)).toBe(true);
      const allErr = await store.readAll().catch((e: unknown) => e);
      expect(OdyError.is(allErr), String(allErr)).toBe(true);
      await expect(store.append('t', [{ type: 'n', data: 2 }])).resolves.toMatchObject({ nextExpectedVersion: 1 });
      // A key of the wrong type: the append's script error is typed too.
      await admin.del(`{${prefix}}:log`);
      await admin.set(`{${prefix}}:log`, 'not a sorted set');
      const wrongType = await store.append('u', [{ type: 'n', data: 3 }]).catch((e: unknown) => e);
      expect(OdyError.is(wrongType), String(wrongType)).toBe(true);
    } finally {
      await store.close();
      admin.disconnect();
    }
    const closed = await store.append('s', [{ type: 'n', data: 1 }]).catch((e: unknown) => e);
    expect(OdyError.is(closed, 'ODY_EVENTSOURCING_STORE_CLOSED')).toBe(true);
  });
}, { persistence: 'aof', restartable: true });
