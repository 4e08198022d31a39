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
import { median } from '../measure.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';
import { fsyncPerMessage } from './queue/baseline.js';
import { type DriverUnderTest, latency, peerLatency, processRate, pushAndProcessRate, pushRate } from './queue/drivers.js';

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

const metricOf = (rows: Row[], name: string, metric: string) => rows.find((r) => r.name === name && r.metric === metric)?.value ?? Number.NaN;

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const q = options.quick;
  const rounds = q ? 1 : 3;
  const rows: Row[] = [];
  rows.push(...(await measure({ name: 'memory', make: () => memoryDriver() }, { push: q ? 200_000 : 1_000_000, c1: q ? 100_000 : 300_000, c100: q ? 200_000 : 1_000_000, lat: q ? 200 : 1000 }, rounds)));
  const fsSizes = { push: q ? 20_000 : 100_000, c1: q ? 5_000 : 20_000, c100: q ? 20_000 : 100_000, lat: q ? 200 : 1000 };
  rows.push(...(await measure(fsDriver('fs-durable', true), fsSizes, rounds)));
  rows.push(...(await measure(fsDriver('fs-fast', false), fsSizes, rounds)));
  rows.push({ name: 'fsync-per-message', metric: 'push/s', value: fsyncPerMessage(mkdtempSync(join(tmpdir(), 'ody-bench-fsync-')), q ? 1_000 : 5_000) });
  const durable = metricOf(rows, 'fs-durable', 'push/s');
  const ratios: Record<string, number> = {
    'fs-durable/dropr-headline': durable / DROPR_HEADLINE,
    'fs-fast/fs-durable': metricOf(rows, 'fs-fast', 'push/s') / durable,
    'fs-durable/fsync-per-message': durable / metricOf(rows, 'fsync-per-message', 'push/s'),
  };
  const notes = [
    'push+process: "burst" awaits 1000 pushes at a time and never yields to the event loop (so it measures pushing, then a whole backlog, then collecting it); "paced" adds one event-loop turn per 1000 pushes, like a producer driven by I/O',
    'push/s: 1000 concurrent push() calls in flight (group commit batches them); process/s: prefilled queue, one Worker, trivial handler.',
    'e2e: push call → handler start on an idle concurrency-1 worker (durable: includes the data fdatasync and the ready/ fsync of a batch of one). "via fs.watch": the worker runs on a second driver on the same directory, so only fs.watch can wake it (another process\'s view).',
    'The machine is shared with other jobs; compare rows of one run, not across runs.',
    `fs-durable/dropr-headline divides fs-durable push/s by dropr's published ${DROPR_HEADLINE} msg/s. Disk: ${tmpdir()}.`,
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
      notes.push(...(more.notes ?? []));
    }
  }
  return { rows, ratios, notes };
}

const suite: Suite = { name: 'queue', run };
export default suite;
