import { randomBytes } from 'node:crypto';
import { runInContext } from '@ody/core';
import { VersionConflictError } from '../errors.js';
import { iterateAll, iterateStream } from '../store/iterate.js';
import type { EventStore, NewEvent } from '../store/types.js';
import { subscribe } from '../store/subscribe.js';
import { type TestApi, until } from './api.js';
import { concurrencyCases } from './conformance-concurrency.js';

/** Builds a fresh, empty store for one test. */
export type StoreFactory = () => EventStore | Promise<EventStore>;

/** Knobs of the conformance suite. */
export interface ConformanceOptions {
  /** Concurrent writers in the load case (default 50). */
  writers?: number;
  /** Events each writer appends in the load case (default 1,000). */
  eventsPerWriter?: number;
  /** Concurrent appends racing for one expected version (default 20). */
  racers?: number;
}

const ev = (type: string, data: unknown = {}): NewEvent => ({ type, data });

/**
 * Register the event-store conformance suite (describe/it blocks) for a store. Every store runs it
 * unchanged; `factory` is called once per test and must return an empty store.
 * @example
 * import * as vitest from 'vitest';
 * import { eventStoreConformance } from '@ody/eventsourcing/testing';
 * eventStoreConformance('memory', () => memoryEventStore(), vitest);
 */
export function eventStoreConformance(name: string, factory: StoreFactory, api: TestApi, options: ConformanceOptions = {}): void {
  const { describe, it, expect, beforeEach, afterEach } = api;
  describe(`event store conformance: ${name}`, () => {
    let store: EventStore | undefined;
    let s = '';
    beforeEach(async () => {
      store = await factory();
      s = `conf-${randomBytes(4).toString('hex')}`;
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    const st = (): EventStore => store!;

    it('appends with stream and global positions and reads back every field', async () => {
      const r = await st().append(s, [{ type: 'A', data: { n: 1 }, schemaVersion: 2, metadata: { who: 'me' } }, ev('B', { n: 2 })], { expectedVersion: 'no-stream' });
      expect(r.nextExpectedVersion).toBe(2);
      expect(r.events.map((e) => e.streamPosition)).toEqual([1, 2]);
      expect(r.events[1]!.globalPosition).toBeGreaterThan(r.events[0]!.globalPosition);
      expect(r.lastPosition).toBe(r.events[1]!.globalPosition);
      const read = await st().read(s);
      expect(read).toEqual(r.events);
      const [a] = read;
      expect(a).toMatchObject({ stream: s, type: 'A', schemaVersion: 2, data: { n: 1 }, streamPosition: 1 });
      expect(a!.metadata.who).toBe('me');
      expect(typeof a!.id).toBe('string');
      expect(Number.isNaN(Date.parse(a!.recordedAt))).toBe(false);
      expect(read[1]!.schemaVersion).toBe(1);
      expect(await st().streamVersion(s)).toBe(2);
      expect(await st().streamVersion(`${s}-none`)).toBe(0);
      expect(await st().headPosition()).toBe(r.lastPosition);
    });

    it('keeps a caller-given event id', async () => {
      const id = '3b241101-e2bb-4255-8caf-4136c566a962';
      await st().append(s, [{ type: 'A', data: {}, id }]);
      expect((await st().read(s))[0]!.id).toBe(id);
    });

    it('stamps correlation and causation ids from the Ody context', async () => {
      await runInContext({ correlationId: 'corr-1', causationId: 'cmd-9' }, () => st().append(s, [ev('A')]));
      const [e] = await st().read(s);
      expect(e!.metadata.correlationId).toBe('corr-1');
      expect(e!.metadata.causationId).toBe('cmd-9');
    });

    it('checks every kind of expected version and reports expected and actual', async () => {
      await expect(st().append(s, [ev('A')], { expectedVersion: 'exists' })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_VERSION_CONFLICT', expected: 'exists', actual: 0 });
      await expect(st().append(s, [ev('A')], { expectedVersion: 3 })).rejects.toMatchObject({ expected: 3, actual: 0 });
      await st().append(s, [ev('A')], { expectedVersion: 'no-stream' });
      const err = await st().append(s, [ev('A')], { expectedVersion: 'no-stream' }).catch((e: unknown) => e);
      expect(VersionConflictError.isConflict(err)).toBe(true);
      expect(err).toMatchObject({ expected: 'no-stream', actual: 1, stream: s, details: { stream: s, expected: 'no-stream', actual: 1 } });
      await st().append(s, [ev('A')], { expectedVersion: 'exists' });
      await expect(st().append(s, [ev('A')], { expectedVersion: 1 })).rejects.toMatchObject({ expected: 1, actual: 2 });
      await st().append(s, [ev('A')], { expectedVersion: 2 });
      await st().append(s, [ev('A')], { expectedVersion: 'any' });
      await st().append(s, [ev('A')]);
      expect(await st().streamVersion(s)).toBe(5);
    });

    it('appends all or nothing: a conflicting or invalid batch writes no event', async () => {
      await st().append(s, [ev('A')]);
      await expect(st().append(s, [ev('B'), ev('C'), ev('D')], { expectedVersion: 0 })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_VERSION_CONFLICT' });
      await expect(st().append(s, [ev('B'), { type: '', data: {} }])).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_INVALID_ARGUMENT' });
      await expect(st().append(s, [ev('B'), { type: 'C' } as NewEvent])).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_INVALID_ARGUMENT' });
      expect((await st().read(s)).map((e) => e.type)).toEqual(['A']);
      expect(await st().readAll({ filter: { streamPrefix: s } })).toHaveLength(1);
    });

    it('rejects bad arguments with a clear error', async () => {
      await expect(st().append('', [ev('A')])).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_INVALID_ARGUMENT' });
      await expect(st().append(s, [ev('A')], { expectedVersion: -1 })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_INVALID_ARGUMENT' });
      await expect(st().append(s, [ev('A')], { expectedVersion: 'nope' as never })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_INVALID_ARGUMENT' });
      await expect(st().read(s, { limit: -2 })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_INVALID_ARGUMENT' });
      await expect(st().read(s, { direction: 'sideways' as never })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_INVALID_ARGUMENT' });
    });

    it('reads a stream by from/to/direction/limit', async () => {
      await st().append(s, [1, 2, 3, 4, 5, 6].map((n) => ev('N', { n })));
      const ns = async (o: Parameters<EventStore['read']>[1]) => (await st().read(s, o)).map((e) => e.streamPosition);
      expect(await ns({ from: 2, to: 4 })).toEqual([2, 3, 4]);
      expect(await ns({ from: 3, limit: 2 })).toEqual([3, 4]);
      expect(await ns({ direction: 'backward' })).toEqual([6, 5, 4, 3, 2, 1]);
      expect(await ns({ direction: 'backward', from: 4, limit: 2 })).toEqual([4, 3]);
      expect(await ns({ direction: 'backward', from: 5, to: 4 })).toEqual([5, 4]);
      expect(await ns({ from: 7 })).toEqual([]);
      expect(await st().read(`${s}-none`)).toEqual([]);
    });

    it('reads the global log by position, limit and filter, in order', async () => {
      await st().append(`${s}-a`, [ev('X'), ev('Y')]);
      await st().append(`${s}-b`, [ev('X')]);
      await st().append(`other-${s}`, [ev('X')]);
      const all = await st().readAll({ filter: { streamPrefix: s } });
      expect(all.map((e) => `${e.stream.slice(s.length)}:${e.type}`)).toEqual(['-a:X', '-a:Y', '-b:X']);
      const positions = all.map((e) => e.globalPosition);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      expect(new Set(positions).size).toBe(3);
      expect((await st().readAll({ fromPosition: positions[1]!, filter: { streamPrefix: s } })).map((e) => e.globalPosition)).toEqual(positions.slice(1));
      expect(await st().readAll({ fromPosition: positions[0]!, limit: 2 })).toHaveLength(2);
      expect((await st().readAll({ filter: { types: ['Y'] } })).map((e) => e.type)).toEqual(['Y']);
      expect((await st().readAll({ filter: { types: ['X'], streamPrefix: `${s}-b` } })).map((e) => e.stream)).toEqual([`${s}-b`]);
    });

    it('iterates a stream and the global log page by page', async () => {
      await st().append(s, Array.from({ length: 23 }, (_, n) => ev('N', { n })));
      const forward: number[] = [];
      for await (const e of iterateStream(st(), s, { pageSize: 5 })) forward.push(e.streamPosition);
      expect(forward).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
      const backward: number[] = [];
      for await (const e of iterateStream(st(), s, { pageSize: 4, direction: 'backward', limit: 10 })) backward.push(e.streamPosition);
      expect(backward).toEqual([23, 22, 21, 20, 19, 18, 17, 16, 15, 14]);
      let n = 0;
      for await (const e of iterateAll(st(), { pageSize: 7, filter: { streamPrefix: s } })) {
        expect(e.data).toEqual({ n });
        n++;
      }
      expect(n).toBe(23);
    });

    it('soft-deletes a stream: reads hide it, the log keeps it, a new append restarts it', async () => {
      await st().append(s, [ev('A'), ev('B')]);
      await expect(st().deleteStream(s, { expectedVersion: 1 })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_VERSION_CONFLICT', actual: 2 });
      await st().deleteStream(s, { expectedVersion: 2 });
      expect(await st().read(s)).toEqual([]);
      expect(await st().streamInfo(s)).toEqual({ version: 2, deleted: true });
      expect(await st().readAll({ filter: { streamPrefix: s } })).toHaveLength(2);
      await expect(st().append(s, [ev('C')], { expectedVersion: 'exists' })).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_VERSION_CONFLICT' });
      const r = await st().append(s, [ev('C')], { expectedVersion: 'no-stream' });
      expect(r.events[0]!.streamPosition).toBe(3);
      expect((await st().read(s)).map((e) => e.type)).toEqual(['C']);
      expect(await st().streamInfo(s)).toEqual({ version: 3, deleted: false });
    });

    it('keeps the newest snapshot of a stream', async () => {
      expect(await st().loadSnapshot(s)).toBeUndefined();
      await st().saveSnapshot({ stream: s, version: 5, schemaVersion: 1, state: { total: 5 } });
      await st().saveSnapshot({ stream: s, version: 9, schemaVersion: 1, state: { total: 9 } });
      await st().saveSnapshot({ stream: s, version: 7, schemaVersion: 1, state: { total: 7 } });
      expect(await st().loadSnapshot(s)).toEqual({ stream: s, version: 9, schemaVersion: 1, state: { total: 9 } });
    });

    it('subscribes from a checkpoint: catches up, then delivers live appends in order', async () => {
      await st().append(`${s}-a`, [ev('A', { n: 1 }), ev('A', { n: 2 })]);
      const [first] = await st().readAll({ filter: { streamPrefix: s } });
      const controller = new AbortController();
      const got: number[] = [];
      const done = (async () => {
        for await (const e of subscribe(st(), { from: first!.globalPosition, filter: { streamPrefix: s, types: ['A'] }, pollMs: 20, signal: controller.signal })) {
          got.push((e.data as { n: number }).n);
          if (got.length === 2) controller.abort();
        }
      })();
      await until('caught up', () => got.length === 1);
      await st().append(`${s}-b`, [ev('B', { n: 9 }), ev('A', { n: 3 })]);
      await done;
      expect(got).toEqual([2, 3]);
    });

    it('wakes listeners after an append commits', async () => {
      let woken = 0;
      const off = st().onAppended(() => woken++);
      await st().append(s, [ev('A')]);
      expect(woken).toBeGreaterThan(0);
      off();
    });

    it('throws ODY_EVENTSOURCING_STORE_CLOSED after close()', async () => {
      await st().close();
      await expect(Promise.resolve().then(() => st().append(s, [ev('A')]))).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_STORE_CLOSED' });
    });

    describe('under concurrency', () => concurrencyCases(st, () => s, api, options));
  });
}
