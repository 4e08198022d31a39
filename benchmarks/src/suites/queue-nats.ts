/**
 * queue-nats suite: @ody/queue-nats against the raw NATS client doing the same work on the same
 * nats-server in the same run, peers alternating every round (benchmarks/README.md "Methodology"):
 *
 * - push+process at c=1 and c=100: c producers with one push in flight each (every push waits for its
 *   PubAck), one consumer at concurrency c; a job counts once its ack is confirmed by the server.
 * - push latency: one push at a time (call → PubAck), p99.
 *
 * The raw peer does the per-job work the driver must do: it publishes the same body with a
 * Nats-Msg-Id and a job header of the same size (what a hand-rolled job queue carries: id, name,
 * attempts, backoff…), consumes a durable pull consumer with the driver's settings (explicit ack,
 * ack wait 30 s, max_ack_pending 100000) through `consume({ max_messages: c })`, parses header and
 * body, and acks with `ackAck()` (the driver confirms every ack too). BullMQ on Redis runs the same
 * push+process for context (rows only; different broker).
 *
 * Server: NATS_URL when set; else a private nats-server -js (pinned to its own core, so its CPU per
 * job is measured); else 127.0.0.1:4222.
 */
import { readFileSync } from 'node:fs';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect, headers, nanos } from '@nats-io/transport-node';
import { Queue, Worker } from '@ody/queue';
import { natsDriver } from '@ody/queue-nats';
import { Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteStreamsWithPrefix, findNatsServer, natsAnswers, spawnNatsServer } from '../../../test-support/nats-server.js';
import { type RedisHandle, startRedis } from '../../../test-support/redis-server.js';
import { alternate, median, percentile, ratioOf, roundsFor, type Spread } from '../measure.js';
import { canPin, pinPid } from '../pin.js';
import type { Row, Suite, SuiteOptions, SuiteResult } from '../types.js';

const payload = { user: 42, action: 'send-welcome-email', at: 1700000000000 };
let seq = 0;

/** One push+process run. */
export interface Run {
  /** jobs/s from the first push to the last confirmed ack */
  rate: number;
  /** client CPU (user+sys of this process) per job, µs */
  cpuUs: number;
  /** server CPU per job, µs (NaN when the server is not ours) */
  serverUs: number;
}

/** A peer: push+process of `total` jobs at concurrency `c`, and `samples` serial push latencies (ms). */
export interface Peer {
  pushProcess(total: number, c: number): Promise<Run>;
  pushLatency(samples: number): Promise<number[]>;
}

/** user+system CPU seconds of a process from /proc (NaN when unreadable). */
function procCpu(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

/** A run in which no job finished for STALL_MS (seen once with the raw client's consume() on an overloaded machine). */
export class StallError extends Error {}
const STALL_MS = 30_000;

/** Time `work` (which must finish `total` jobs, `progress()` counting them) with client and server CPU. */
async function timed(total: number, serverPid: number | undefined, progress: () => number, work: () => Promise<void>): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const srv0 = procCpu(serverPid);
  const t0 = performance.now();
  let watchdog: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    let last = -1;
    watchdog = setInterval(() => {
      const now = progress();
      if (now === last) reject(new StallError(`no job finished for ${STALL_MS / 1000} s (${now}/${total} done)`));
      last = now;
    }, STALL_MS);
  });
  try {
    await Promise.race([work(), stalled]);
  } finally {
    clearInterval(watchdog);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const srv = procCpu(serverPid) - srv0;
  return { rate: (total / ms) * 1000, cpuUs: (cpu.user + cpu.system) / total, serverUs: (srv * 1e6) / total };
}

/** `c` producers with one push in flight each until `total` pushes are done. */
async function produce(total: number, c: number, push: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: c }, async () => {
    while (next < total) await push(next++);
  }));
}

function counter(total: number): { hit: () => void; all: Promise<void>; done: () => number } {
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => {
    finish = r;
  });
  return { hit: () => void (++done === total && finish()), all, done: () => done };
}

export function odyPeer(url: string, prefix: string, serverPid?: number): Peer {
  return {
    async pushProcess(total, c) {
      const driver = natsDriver({ servers: url, prefix });
      const queue = new Queue(`ody${seq++}`, { driver });
      // Declare the topology and warm the consumer before the clock starts (the raw peer does too).
      const warm = counter(1);
      let warming = true;
      const count = counter(total);
      const worker = new Worker(queue, () => undefined, { concurrency: c });
      worker.on('completed', () => (warming ? warm.hit() : count.hit()));
      try {
        await queue.push('warm', payload);
        await warm.all;
        warming = false;
        return await timed(total, serverPid, count.done, async () => {
          await produce(total, c, () => queue.push('job', payload));
          await count.all;
        });
      } finally {
        await worker.close({ timeoutMs: 1_000 });
        await driver.close();
      }
    },
    async pushLatency(samples) {
      const driver = natsDriver({ servers: url, prefix });
      const queue = new Queue(`odylat${seq++}`, { driver });
      await queue.push('warm', payload);
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await queue.push('job', payload);
        out.push(performance.now() - t0);
      }
      await driver.close();
      return out;
    },
  };
}

/** The job header a hand-rolled queue carries (same fields and size as the driver's). */
function jobHeader(id: string) {
  const h = headers();
  const now = Date.now();
  h.set('Ody-Job', JSON.stringify({ i: id, n: 'job', p: 0, r: now, a: 1, b: { type: 'fixed', delay: 0 }, t: 0, c: now, d: 0, am: 0, st: 0 }));
  return h;
}

export function rawPeer(url: string, prefix: string, serverPid?: number): Peer {
  const open = async () => {
    const nc = await connect({ servers: url, noEcho: true, noAsyncTraces: true });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const stream = `${prefix}_raw${seq++}`;
    const subject = `${stream}.jobs`;
    await jsm.streams.add({ name: stream, subjects: [subject], retention: RetentionPolicy.Workqueue, storage: StorageType.File, duplicate_window: nanos(120_000) });
    return { nc, js, jsm, stream, subject };
  };
  let ids = 0;
  const body = () => JSON.stringify(payload);
  return {
    async pushProcess(total, c) {
      const { nc, js, jsm, stream, subject } = await open();
      await jsm.consumers.add(stream, { durable_name: 'w', ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000), max_deliver: -1, max_ack_pending: 100_000 });
      const consumer = await js.consumers.get(stream, 'w');
      const messages = await consumer.consume({ max_messages: c });
      const warm = counter(1);
      let warming = true;
      const count = counter(total);
      void (async () => {
        for await (const m of messages) {
          JSON.parse(m.headers?.get('Ody-Job') ?? '{}');
          JSON.parse(m.string());
          void m.ackAck().then((ok) => ok && (warming ? warm.hit() : count.hit()), () => {});
        }
      })();
      const push = () => {
        const id = `raw-${ids++}`;
        return js.publish(subject, body(), { msgID: id, headers: jobHeader(id) });
      };
      try {
        await push();
        await warm.all;
        warming = false;
        return await timed(total, serverPid, count.done, async () => {
          await produce(total, c, push);
          await count.all;
        });
      } finally {
        messages.stop();
        await jsm.streams.delete(stream).catch(() => {});
        await nc.close();
      }
    },
    async pushLatency(samples) {
      const { nc, js, jsm, stream, subject } = await open();
      const push = () => {
        const id = `raw-${ids++}`;
        return js.publish(subject, body(), { msgID: id, headers: jobHeader(id) });
      };
      await push();
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await push();
        out.push(performance.now() - t0);
      }
      await jsm.streams.delete(stream);
      await nc.close();
      return out;
    },
  };
}

/** BullMQ on Redis, same push+process (context only: another broker). */
function bullPeer(redis: RedisHandle): Peer & { close(): Promise<void> } {
  const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
  const jobOpts = { removeOnComplete: true, removeOnFail: true };
  const admin = new Redis(redis.url);
  return {
    async pushProcess(total, c) {
      const name = `natsbench-bull${seq++}`;
      const queue = new BullQueue(name, { connection });
      const count = counter(total);
      const worker = new BullWorker(name, async () => undefined, { connection, concurrency: c });
      worker.on('completed', () => count.hit());
      await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
      const run = await timed(total, undefined, count.done, async () => {
        await produce(total, c, () => queue.add('job', payload, jobOpts));
        await count.all;
      });
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      return run;
    },
    pushLatency: () => Promise.resolve([]),
    async close() {
      await admin.quit().catch(() => {});
    },
  };
}

async function serverFor(): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void>; where: string }> {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, pid: undefined, stop: async () => {}, where: 'NATS_URL (shared; server CPU not measured)' };
  const binary = findNatsServer();
  if (binary !== undefined) {
    const server = await spawnNatsServer(binary);
    const pid = server.pid();
    let where = `a private nats-server (${binary}, file storage)`;
    if (pid !== undefined && canPin() && pinPid(pid, '1') && pinPid(process.pid, '0')) where += ' pinned to core 1, this process to core 0';
    return { url: server.url, pid, stop: () => server.stop(), where };
  }
  if (await natsAnswers('127.0.0.1', 4222, 500)) return { url: 'nats://127.0.0.1:4222', pid: undefined, stop: async () => {}, where: '127.0.0.1:4222 (shared; server CPU not measured)' };
  throw new Error('no NATS_URL, no nats-server binary and nothing on 127.0.0.1:4222');
}

async function run(options: SuiteOptions): Promise<SuiteResult> {
  const q = options.quick;
  let server: Awaited<ReturnType<typeof serverFor>>;
  try {
    server = await serverFor();
  } catch (err) {
    return { rows: [], ratios: {}, notes: [`queue-nats rows skipped: ${(err as Error).message}`] };
  }
  let redis: RedisHandle | undefined;
  try {
    redis = await startRedis();
  } catch {
    redis = undefined;
  }
  const prefix = `bench${process.pid}`;
  const rows: Row[] = [];
  const spreads: Record<string, Spread> = {};
  const stalls: string[] = [];
  const rounds = roundsFor(q, { quick: 3, full: 5 });
  const sizes = { c1: q ? 1_500 : 2_500, c100: q ? 8_000 : 15_000, lat: q ? 300 : 1_000 };
  const ody = odyPeer(server.url, prefix, server.pid);
  const raw = rawPeer(server.url, prefix, server.pid);
  const bull = redis === undefined ? undefined : bullPeer(redis);
  try {
    // Warm both code paths (JIT, connections, server-side stream creation) before anything is timed.
    for (const peer of [ody, raw]) {
      await peer.pushProcess(300, 1);
      await peer.pushProcess(2_000, 100);
    }
    for (const [c, total] of [[1, sizes.c1], [100, sizes.c100]] as const) {
      const runs: Record<string, Run[]> = { nats: [], 'nats-raw': [], bullmq: [] };
      const record = (name: string, peer: Peer) => async () => {
        let r: Run;
        try {
          r = await peer.pushProcess(total, c);
        } catch (err) {
          if (!(err instanceof StallError)) throw err;
          stalls.push(`${name} c=${c}: ${err.message}; run repeated`);
          r = await peer.pushProcess(total, c);
        }
        runs[name]!.push(r);
        return 0;
      };
      const peers: Record<string, () => Promise<number>> = { nats: record('nats', ody), 'nats-raw': record('nats-raw', raw) };
      if (bull !== undefined) peers.bullmq = record('bullmq', bull);
      await alternate(rounds, peers);
      const of = (name: string, k: keyof Run) => runs[name]!.map((r) => r[k]);
      for (const name of Object.keys(peers)) {
        rows.push({ name: `${name}-c${c}`, metric: 'push+process/s', value: Math.round(median(of(name, 'rate'))) });
        rows.push({ name: `${name}-c${c}`, metric: 'client CPU µs/job', value: Math.round(median(of(name, 'cpuUs'))) });
        if (name !== 'bullmq' && server.pid !== undefined) rows.push({ name: `${name}-c${c}`, metric: 'server CPU µs/job', value: Math.round(median(of(name, 'serverUs'))) });
      }
      spreads[`nats-c${c}/nats-raw-c${c}`] = ratioOf(of('nats', 'rate'), of('nats-raw', 'rate'));
      spreads[`nats-c${c}/nats-raw-c${c} client CPU`] = ratioOf(of('nats', 'cpuUs'), of('nats-raw', 'cpuUs'), false);
      if (server.pid !== undefined) {
        const total = (name: string) => runs[name]!.map((r) => r.cpuUs + r.serverUs);
        spreads[`nats-c${c}/nats-raw-c${c} client+server CPU`] = ratioOf(total('nats'), total('nats-raw'), false);
      }
      if (bull !== undefined) spreads[`nats-c${c}/bullmq-c${c}`] = ratioOf(of('nats', 'rate'), of('bullmq', 'rate'));
    }
    const lat = await alternate(rounds, {
      nats: async () => percentile(await ody.pushLatency(sizes.lat), 99),
      'nats-raw': async () => percentile(await raw.pushLatency(sizes.lat), 99),
    });
    rows.push({ name: 'nats', metric: 'push p99 ms', value: Number(median(lat.nats).toFixed(2)) });
    rows.push({ name: 'nats-raw', metric: 'push p99 ms', value: Number(median(lat['nats-raw']).toFixed(2)) });
    spreads['nats-push-p99/nats-raw-push-p99'] = ratioOf(lat.nats, lat['nats-raw'], false);
  } finally {
    await deleteStreamsWithPrefix(server.url, prefix).catch(() => {});
    await bull?.close();
    await redis?.stop();
    await server.stop();
  }
  const ratios: Record<string, number> = {};
  const out: NonNullable<SuiteResult['spreads']> = {};
  for (const [k, s] of Object.entries(spreads)) {
    ratios[k] = Number(s.median.toFixed(3));
    out[k] = { min: Number(s.min.toFixed(3)), max: Number(s.max.toFixed(3)), n: s.n };
  }
  return {
    rows,
    ratios,
    spreads: out,
    notes: [
      `nats-server: ${server.where}. ${rounds} rounds, peers alternating; ratios are the median of per-round ratios with min–max; CPU ratios inverted (above 1: Ody cheaper). Untimed warm-up runs per peer (c=1 and c=100) first.`,
      `push+process: c producers with one push in flight each (c=1: ${sizes.c1} jobs, c=100: ${sizes.c100}), one consumer at concurrency c (Ody: Worker; raw: consume({ max_messages: c })); the clock stops at the last confirmed ack. Both peers: PubAck on every push, Nats-Msg-Id and a job header on every message, file storage, work-queue stream, explicit acks confirmed by the server (ackAck).`,
      `push p99: ${sizes.lat} pushes one at a time, call → PubAck, no consumer.`,
      ...(stalls.length > 0 ? [`Stalled runs (no progress for ${STALL_MS / 1000} s), repeated once: ${stalls.join('; ')}.`] : []),
      bull === undefined
        ? 'bullmq rows skipped: no Redis.'
        : 'bullmq: the same push+process on Redis (queue.add awaited per producer, Worker at concurrency c, removeOnComplete); context only (another broker, no fsync).',
    ],
  };
}

const suite: Suite = { name: 'queue-nats', run };
export default suite;
