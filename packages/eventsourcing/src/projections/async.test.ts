import { describe, expect, it } from 'vitest';
import { memoryEventStore } from '../memory/store.js';
import type { RecordedEvent } from '../store/types.js';
import { until } from '../testing/api.js';
import { type AsyncProjection, ProjectionRunner } from './async.js';
import { MemoryCheckpointStore } from './checkpoints.js';

const fast = { type: 'fixed', delayMs: 1 } as const;

describe('async projection runner', () => {
  it('dead-letters a poison event and keeps projecting the rest', async () => {
    const store = memoryEventStore();
    const checkpoints = new MemoryCheckpointStore();
    const handled: number[] = [];
    const errors: unknown[] = [];
    const projection: AsyncProjection = {
      name: 'sums',
      handle(events) {
        // All or nothing per batch, as a transactional target would be.
        if (events.some((e) => (e.data as { n: number }).n === 3)) throw new Error('cannot project 3');
        handled.push(...events.map((e) => (e.data as { n: number }).n));
      },
    };
    for (let n = 1; n <= 6; n++) await store.append('s', [{ type: 'N', data: { n } }]);
    const runner = new ProjectionRunner(projection, { store, checkpoints, attempts: 2, backoff: fast, onError: (e) => errors.push(e) });
    runner.start();
    await until('caught up', async () => (await checkpoints.load('sums')) === 6);
    await store.append('s', [{ type: 'N', data: { n: 7 } }]);
    await until('the projection went on after the poison event', () => handled.includes(7));
    await runner.stop();
    expect(handled).toEqual([1, 2, 4, 5, 6, 7]);
    const dead = await checkpoints.deadLetters('sums');
    expect(dead.map((d) => d.event.data)).toEqual([{ n: 3 }]);
    expect(dead[0]!.error).toContain('cannot project 3');
    expect(errors).toHaveLength(1);
    expect((await runner.status()).deadLetters).toBe(1);
  });

  it('retries a failing batch with backoff and succeeds without dead letters', async () => {
    const store = memoryEventStore();
    const checkpoints = new MemoryCheckpointStore();
    let failuresLeft = 2;
    const got: number[] = [];
    const runner = new ProjectionRunner(
      {
        name: 'flaky',
        handle(events) {
          if (failuresLeft-- > 0) throw new Error('database blinked');
          got.push(...events.map((e) => e.globalPosition));
        },
      },
      { store, checkpoints, attempts: 3, backoff: fast },
    );
    await store.append('a', [{ type: 'X', data: {} }, { type: 'X', data: {} }]);
    await runner.catchUp();
    expect(got).toEqual([1, 2]);
    expect(await checkpoints.deadLetters('flaky')).toEqual([]);
  });

  it('resumes from its checkpoint, filters, batches, reports lag and rebuilds from zero', async () => {
    const store = memoryEventStore();
    const checkpoints = new MemoryCheckpointStore();
    const batches: RecordedEvent[][] = [];
    let view: string[] = [];
    const projection: AsyncProjection = {
      name: 'orders-view',
      filter: { types: ['OrderPlaced'] },
      handle(events) {
        batches.push([...events]);
        view.push(...events.map((e) => e.stream));
      },
      reset() {
        view = [];
      },
    };
    const runner = new ProjectionRunner(projection, { store, checkpoints, batchSize: 2, pollMs: 10 });
    for (let i = 0; i < 5; i++) await store.append(`order-${i}`, [{ type: 'OrderPlaced', data: {} }, { type: 'Noise', data: {} }]);
    const before = await runner.status();
    expect(before).toMatchObject({ state: 'stopped', position: 0, head: 10, lagEvents: 10 });
    expect(before.lagMs).toBeGreaterThanOrEqual(0);
    runner.start();
    await until('projected', () => view.length === 5);
    await runner.stop();
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(view).toEqual(['order-0', 'order-1', 'order-2', 'order-3', 'order-4']);
    expect(await checkpoints.load('orders-view')).toBe(9);

    // A new runner resumes after the checkpoint: nothing is handled twice.
    await store.append('order-5', [{ type: 'OrderPlaced', data: {} }]);
    const again = new ProjectionRunner(projection, { store, checkpoints, batchSize: 2 });
    await again.catchUp();
    expect(view).toEqual(['order-0', 'order-1', 'order-2', 'order-3', 'order-4', 'order-5']);
    expect(await again.status()).toMatchObject({ position: 11, head: 11, lagEvents: 0, lagMs: 0 });

    view.push('garbage');
    await again.rebuild();
    expect(view).toEqual(['order-0', 'order-1', 'order-2', 'order-3', 'order-4', 'order-5']);
  });
});

describe('file checkpoint store', () => {
  it('keeps the position and dead letters across runner restarts', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { FileCheckpointStore } = await import('../file/checkpoints.js');
    const dir = mkdtempSync(join(tmpdir(), 'ody-es-cp-'));
    try {
      const store = memoryEventStore();
      for (let n = 1; n <= 4; n++) await store.append('s', [{ type: 'N', data: { n } }]);
      const got: number[] = [];
      const projection: AsyncProjection = {
        name: 'file-view',
        handle(events) {
          if (events.some((e) => (e.data as { n: number }).n === 2)) throw new Error('poison 2');
          got.push(...events.map((e) => (e.data as { n: number }).n));
        },
      };
      await new ProjectionRunner(projection, { store, checkpoints: new FileCheckpointStore(dir), attempts: 1 }).catchUp();
      await store.append('s', [{ type: 'N', data: { n: 5 } }]);
      const reopened = new FileCheckpointStore(dir);
      expect(await reopened.load('file-view')).toBe(4);
      await new ProjectionRunner(projection, { store, checkpoints: reopened, attempts: 1 }).catchUp();
      expect(got).toEqual([1, 3, 4, 5]);
      expect((await reopened.deadLetters('file-view')).map((d) => d.event.data)).toEqual([{ n: 2 }]);
      await expect(reopened.commit('file-view', 3, 9, async () => {})).rejects.toMatchObject({ code: 'ODY_EVENTSOURCING_CHECKPOINT_MOVED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('blue/green rebuild', () => {
  it('builds the next generation beside the live one, then swaps; later runners keep writing to it', async () => {
    const store = memoryEventStore();
    const checkpoints = new MemoryCheckpointStore();
    const tables = new Map<number, string[]>([[0, []]]);
    let live = 0;
    let format = (s: string) => s;
    const liveDuringShadow: number[] = [];
    const projection: AsyncProjection = {
      name: 'names',
      handle(events, _tx, { generation }) {
        if (generation !== live) liveDuringShadow.push(live);
        tables.get(generation)!.push(...events.map((e) => format((e.data as { name: string }).name)));
      },
      generations: {
        prepare(g) {
          tables.set(g, []);
        },
        swap(g) {
          tables.delete(live);
          live = g;
        },
      },
    };
    for (const name of ['ada', 'bob']) await store.append(`p-${name}`, [{ type: 'Named', data: { name } }]);
    const runner = new ProjectionRunner(projection, { store, checkpoints, pollMs: 10 });
    runner.start();
    await until('live projected', () => tables.get(0)!.length === 2);

    format = (s) => s.toUpperCase(); // new projection code: rebuild to apply it to history
    await runner.rebuild();
    expect(liveDuringShadow.length).toBeGreaterThan(0);
    expect(liveDuringShadow.every((g) => g === 0)).toBe(true); // generation 0 stayed live while 1 was built
    expect(live).toBe(1);
    expect([...tables.keys()]).toEqual([1]);
    expect(tables.get(1)).toEqual(['ADA', 'BOB']);

    await store.append('p-cy', [{ type: 'Named', data: { name: 'cy' } }]);
    await until('the live runner writes to generation 1', () => tables.get(1)!.length === 3);
    await runner.stop();
    expect(tables.get(1)).toEqual(['ADA', 'BOB', 'CY']);
    expect(await runner.status()).toMatchObject({ position: 3, head: 3 });
    // A new runner (a restart) finds generation 1 in the checkpoint store.
    await store.append('p-di', [{ type: 'Named', data: { name: 'di' } }]);
    await new ProjectionRunner(projection, { store, checkpoints }).catchUp();
    expect(tables.get(1)).toEqual(['ADA', 'BOB', 'CY', 'DI']);
  });
});
