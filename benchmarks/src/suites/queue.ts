/**
 * Queue suite: memory, fs-durable and fs-fast drivers (push/s, process/s at concurrency 1 and 100,
 * end-to-end latency), plus the fsync-per-message baseline on the same disk.
 * Extension: when `queue/redis.ts` exists, its `redisQueueBench(options)` (or default export) runs after
 * these rows and its rows/ratios/notes are merged (Redis and BullMQ, owned by @ody/queue-redis).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { filesystemDriver, memoryDriver } from '@ody/queue';
import { alternate, median, ratioOf, roundsFor, type Spread } from '../measure.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';
import { fsyncPerMessage } from './queue/baseline.js';
import { type DriverUnderTest, latency, peerLatency, processRate, producerRate, pushAndProcessRate, pushRate } from './queue/drivers.js';

const DROPR_HEADLINE = 250;

function fsDriver(name: string, durable: boolean): DriverUnderTest {
  let dir = '';
  return {
    name,
    make() {
      dir = mkdtempSync(join(tmpdir(), `ody-bench-${name}-`));
      return filesystemDriver({ dir, durable });
    },
    peer() {
      return filesystemDriver({ dir, durable });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function measure(d: DriverUnderTest, sizes: { push: number; c1: number; c100: number; lat: number }, rounds: number): Promise<Row[]> {
  const runs = async (fn: () => Promise<number>) => {
    const out: number[] = [];
    for (let i = 0; i < rounds; i++) out.push(await fn());
    return median(out);
  };
  const rows: Row[] = [
    { name: d.name, metric: 'push/s', value: await runs(() => pushRate(d, sizes.push)) },
    { name: d.name, metric: 'process/s c1', value: await runs(() => processRate(d, sizes.c1, 1)) },
    { name: d.name, metric: 'process/s c100', value: await runs(() => processRate(d, sizes.c100, 100)) },
    { name: d.name, metric: 'push+process/s c100', value: await runs(() => pushAndProcessRate(d, sizes.push)) },
    { name: d.name, metric: 'push+process/s c100 paced', value: await runs(() => pushAndProcessRate(d, sizes.push, 'paced')) },
  ];
  const lat = await latency(d, sizes.lat);
  rows.push({ name: d.name, metric: 'e2e p50 ms', value: lat.p50 }, { name: d.name, metric: 'e2e p99 ms', value: lat.p99 });
  if (d.peer !== undefined) {
    const peer = await peerLatency(d, sizes.lat);
    rows.push({ name: d.name, metric: 'e2e via fs.watch p50 ms', value: peer.p50 }, { name: d.name, metric: 'e2e via fs.watch p99 ms', value: peer.p99 });
  }
  return rows;
}

/**
 * Durable push/s by producer concurrency (1, 8, 64, 1000 producers, each awaiting its push before the
 * next) against a naive fsync-per-message loop on the same disk, in rounds that alternate the peers.
 */
async function producerRows(quick: boolean): Promise<{ rows: Row[]; notes: string[]; c1: Spread; c1Data: Spread }> {
  const rounds = roundsFor(quick, { quick: 2, full: 5 });
  const n = (producers: number) => (quick ? 1 : 4) * (producers === 1 ? 500 : producers === 8 ? 2_000 : 10_000);
  const naive = quick ? 500 : 2_000;
  const peers: Record<string, () => Promise<number> | number> = {
    'fsync-per-message': () => fsyncPerMessage(mkdtempSync(join(tmpdir(), 'ody-bench-fsync-')), naive),
    'fdatasync-per-message': () => fsyncPerMessage(mkdtempSync(join(tmpdir(), 'ody-bench-fdatasync-')), naive, true),
  };
  for (const producers of [1, 8, 64, 1000]) peers[`fs-durable-c${producers}`] = () => producerRate(fsDriver(`fs-durable-c${producers}`, true), n(producers), producers);
  const samples = await alternate(rounds, peers);
  const rows = Object.entries(samples).map(([name, v]) => ({ name, metric: 'push/s', value: median(v) }));
  const spread = Object.entries(samples).map(([name, v]) => `${name} ${Math.round(Math.min(...v))}–${Math.round(Math.max(...v))}`);
  return {
    rows,
    c1: ratioOf(samples['fs-durable-c1']!, samples['fsync-per-message']!),
    c1Data: ratioOf(samples['fs-durable-c1']!, samples['fdatasync-per-message']!),
    notes: [
      `fs-durable-cN: N producers, each pushing one job and awaiting it before the next (c1 = one sequential producer, which group commit cannot batch); durable driver; median of ${rounds} rounds alternating with the baselines on the same disk`,
      'fsync-per-message: the naive loop (open, write, fsync, close, rename into ready/, fsync ready/) per message; fdatasync-per-message: the same with fdatasync for the data, as Ody uses',
      `push/s spread (min–max): ${spread.join(', ')}`,
    ],
  };
}

const metricOf = (rows: Row[], name: string, metric: string) => rows.find((r) => r.name === name && r.metric === metric)?.value ?? Number.NaN;

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const q = options.quick;
  const rounds = roundsFor(q, { quick: 1, full: 5 });
  const rows: Row[] = [];
  rows.push(...(await measure({ name: 'memory', make: () => memoryDriver() }, { push: q ? 200_000 : 1_000_000, c1: q ? 100_000 : 300_000, c100: q ? 200_000 : 1_000_000, lat: q ? 200 : 1000 }, rounds)));
  const fsSizes = { push: q ? 20_000 : 100_000, c1: q ? 5_000 : 20_000, c100: q ? 20_000 : 100_000, lat: q ? 200 : 1000 };
  rows.push(...(await measure(fsDriver('fs-durable', true), fsSizes, rounds)));
  rows.push(...(await measure(fsDriver('fs-fast', false), fsSizes, rounds)));
  const producers = await producerRows(q);
  rows.push(...producers.rows);
  const durable = metricOf(rows, 'fs-durable', 'push/s');
  const baseline = metricOf(rows, 'fsync-per-message', 'push/s');
  const ratios: Record<string, number> = {
    'fs-fast/fs-durable': metricOf(rows, 'fs-fast', 'push/s') / durable,
    'fs-durable/fsync-per-message': durable / baseline,
    'fs-durable-c1/fsync-per-message': producers.c1.median,
    'fs-durable-c1/fdatasync-per-message': producers.c1Data.median,
  };
  const spreads: Record<string, { min: number; max: number; n: number }> = {
    'fs-durable-c1/fsync-per-message': { min: producers.c1.min, max: producers.c1.max, n: producers.c1.n },
    'fs-durable-c1/fdatasync-per-message': { min: producers.c1Data.min, max: producers.c1Data.max, n: producers.c1Data.n },
  };
  const notes = [
    'push+process: "burst" awaits 1000 pushes at a time and never yields to the event loop (so it measures pushing, then a whole backlog, then collecting it); "paced" adds one event-loop turn per 1000 pushes, like a producer driven by I/O',
    'push/s: 1000 concurrent push() calls in flight (group commit batches them); process/s: prefilled queue, one Worker, trivial handler.',
    'e2e: push call → handler start on an idle concurrency-1 worker (durable: includes the data fdatasync and the ready/ fsync of a batch of one). "via fs.watch": the worker runs on a second driver on the same directory, so only fs.watch can wake it (another process\'s view).',
    'The machine is shared with other jobs; compare rows of one run, not across runs.',
    `Historical note, not a peer: dropr (the PHP filesystem queue Ody's driver descends from) published ${DROPR_HEADLINE} msg/s; nothing of it is run here. Disk: ${tmpdir()}.`,
    ...producers.notes,
  ];
  const extension = join(import.meta.dirname, 'queue', 'redis.ts');
  if (existsSync(extension)) {
    type Extension = (o: SuiteOptions) => Promise<SuiteResult | undefined>;
    const mod = (await import(pathToFileURL(extension).href)) as { redisQueueBench?: Extension; default?: Extension };
    const extra = mod.redisQueueBench ?? mod.default;
    if (extra === undefined) throw new Error(`${extension} exports neither redisQueueBench nor a default function`);
    const more = await extra(options);
    if (more !== undefined) {
      rows.push(...more.rows);
      Object.assign(ratios, more.ratios);
      Object.assign(spreads, more.spreads);
      notes.push(...(more.notes ?? []));
    }
  }
  return { rows, ratios, spreads, notes };
}

const suite: Suite = { name: 'queue', run };
export default suite;
