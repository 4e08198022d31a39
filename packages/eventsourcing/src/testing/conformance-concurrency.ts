import { ProjectionRunner } from '../projections/async.js';
import { MemoryCheckpointStore } from '../projections/checkpoints.js';
import type { EventStore, RecordedEvent } from '../store/types.js';
import { until, type TestApi } from './api.js';
import type { ConformanceOptions } from './conformance.js';

/**
 * Races on one expected version, and many writers with an async projection tailing the global log
 * throughout. The projection detects a skipped event as a hole in a stream's positions: each writer owns one
 * stream and appends to it in order, so every stream must arrive as 1, 2, 3, … in global order.
 */
export function concurrencyCases(st: () => EventStore, prefix: () => string, api: TestApi, options: ConformanceOptions): void {
  const { it, expect } = api;
  const racers = options.racers ?? 20;
  const writers = options.writers ?? 50;
  const perWriter = options.eventsPerWriter ?? 1000;

  it(`${racers} concurrent appends with the same expected version: exactly one wins`, async () => {
    const s = prefix();
    await st().append(s, [{ type: 'Opened', data: {} }]);
    const results = await Promise.allSettled(
      Array.from({ length: racers }, (_, i) => st().append(s, [{ type: 'Raced', data: { i } }, { type: 'Raced2', data: { i } }], { expectedVersion: 1 })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    for (const l of lost) expect(l.reason).toMatchObject({ code: 'ODY_EVENTSOURCING_VERSION_CONFLICT', expected: 1 });
    expect(await st().streamVersion(s)).toBe(3);
    const raced = (await st().read(s)).slice(1).map((e) => (e.data as { i: number }).i);
    expect(raced[0]).toBe(raced[1]);
  });

  it(`${writers} concurrent writers × ${perWriter} events with an async projection running throughout: nothing skipped, order kept`, async () => {
    const s = prefix();
    const seen: RecordedEvent[] = [];
    const nextByStream = new Map<string, number>();
    let lastGlobal = 0;
    let problem: string | undefined;
    const runner = new ProjectionRunner(
      {
        name: `conformance-${s}`,
        filter: { streamPrefix: `${s}-` },
        handle(events) {
          for (const e of events) {
            if (e.globalPosition <= lastGlobal) problem ??= `global position went back: ${e.globalPosition} after ${lastGlobal}`;
            lastGlobal = e.globalPosition;
            const want = nextByStream.get(e.stream) ?? 1;
            if (e.streamPosition !== want) problem ??= `${e.stream}: got position ${e.streamPosition}, expected ${want} (an event was skipped)`;
            nextByStream.set(e.stream, e.streamPosition + 1);
            seen.push(e);
          }
        },
      },
      { store: st(), checkpoints: new MemoryCheckpointStore(), batchSize: 500, pollMs: 10, attempts: 1 },
    );
    runner.start();
    try {
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          let version = 0;
          for (let i = 0; i < perWriter; i++) {
            const r = await st().append(`${s}-${w}`, [{ type: 'Tick', data: { w, i } }], { expectedVersion: version === 0 ? 'no-stream' : version });
            version = r.nextExpectedVersion;
          }
        }),
      );
      await until('the projection saw every appended event', () => seen.length >= writers * perWriter || problem !== undefined, 60_000);
    } finally {
      await runner.stop();
    }
    expect(problem).toBeUndefined();
    expect(seen).toHaveLength(writers * perWriter);
    const again = await st().readAll({ filter: { streamPrefix: `${s}-` } });
    expect(again.map((e) => e.id)).toEqual(seen.map((e) => e.id));
  }, 180_000);
}
