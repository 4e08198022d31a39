import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DomainEvent, type EventStore, deciderRepository, eventTypes, fileEventStore, ProjectionRunner, MemoryCheckpointStore } from '@ody/eventsourcing';
import { percentile } from '../../measure.js';

/** Events/s of `writers` concurrent writers appending `batch` events at a time with expected versions. */
export async function appendRate(store: EventStore, writers: number, perWriter: number, batch = 1, tag = 'w'): Promise<number> {
  return (await appendRun(store, writers, perWriter, batch, tag)).rate;
}

/** Like `appendRate`, plus this process's CPU (user + system) per event in µs. */
export async function appendRun(store: EventStore, writers: number, perWriter: number, batch = 1, tag = 'w'): Promise<{ rate: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let version = 0;
      for (let i = 0; i < perWriter; i++) {
        const events = Array.from({ length: batch }, (_, k) => ({ type: 'Tick', data: { w, i, k } }));
        const r = await store.append(`${tag}-${w}`, events, { expectedVersion: version === 0 ? 'no-stream' : version });
        version = r.nextExpectedVersion;
      }
    }),
  );
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const events = writers * perWriter * batch;
  return { rate: events / s, cpuUs: (used.user + used.system) / events };
}

/** A file store in a fresh temp dir; `done()` closes it and removes the dir. */
export async function tempFileStore(groupCommit: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'ody-bench-es-'));
  const store = await fileEventStore({ dir, groupCommit });
  return { store, done: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

type Tick = DomainEvent<'Tick', { n: number }>;
const counter = {
  initialState: () => ({ sum: 0, n: 0 }),
  decide: (c: { by: number }) => [{ type: 'Tick' as const, data: { n: c.by } }],
  evolve: (s: { sum: number; n: number }, e: Tick) => ({ sum: s.sum + e.data.n, n: s.n + 1 }),
};

/** ms to load a `length`-event stream through a repository, with or without a snapshot. */
export async function rebuildMs(store: EventStore, length: number, snapshot: boolean, rounds: number, tag = ''): Promise<number> {
  const types = eventTypes().register('Tick');
  const stream = `rebuild-${snapshot ? 's' : 'n'}${tag}`;
  const repo = deciderRepository(counter, { store, types, ...(snapshot ? { snapshots: { every: 100 } } : {}) });
  for (let i = 0; i < length; i += 100) {
    await store.append(stream, Array.from({ length: 100 }, (_, k) => ({ type: 'Tick', data: { n: i + k } })));
  }
  if (snapshot) {
    const full = await deciderRepository(counter, { store, types }).load(stream);
    await store.saveSnapshot({ stream, version: full.version, schemaVersion: 1, state: full.state });
  }
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    await repo.load(stream);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return percentile(samples, 50);
}

/** Append → async projection handled, one event at a time: p50/p99 ms. */
export async function projectionLag(store: EventStore, n: number, stream = 'lag'): Promise<{ p50: number; p99: number }> {
  const sent = new Map<number, bigint>();
  const lags: number[] = [];
  let waiting: (() => void) | undefined;
  const runner = new ProjectionRunner(
    {
      name: 'lag',
      handle(events) {
        const now = process.hrtime.bigint();
        for (const e of events) {
          const at = sent.get((e.data as { i: number }).i);
          if (at !== undefined) lags.push(Number(now - at) / 1e6);
        }
        waiting?.();
      },
    },
    { store, checkpoints: new MemoryCheckpointStore(), pollMs: 1000 },
  );
  runner.start();
  for (let i = 0; i < n; i++) {
    const seen = new Promise<void>((r) => { waiting = r; });
    sent.set(i, process.hrtime.bigint());
    await store.append(stream, [{ type: 'Tick', data: { i } }]);
    await seen;
  }
  await runner.stop();
  return { p50: percentile(lags, 50), p99: percentile(lags, 99) };
}
