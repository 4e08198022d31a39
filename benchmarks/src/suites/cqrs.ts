import { Redis } from 'ioredis';
import { type RedisHandle, startRedis } from '../../../test-support/redis-server.js';
import { alternate, median, ratioEntries, ratioOf, roundsFor, type Spread } from '../measure.js';
import type { Row, Suite } from '../types.js';
import { bullRoundTrip, type RoundTrip, roundTrip } from './cqrs/async.js';
import { pluginPeers } from './cqrs/plugin-peers.js';
import { nestRunner, odyRunner } from './cqrs/sync.js';

/**
 * Redis for the async rows: REDIS_URL, else the local 127.0.0.1:6379 when it answers, else a spawned
 * redis-server (test-support). Both peers use the same server, each under its own key prefix.
 */
async function redisFor(): Promise<{ url: string; host: string; port: number; stop: () => Promise<void>; note: string }> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
    const u = new URL(url);
    return { url, host: u.hostname, port: Number(u.port || 6379), stop: async () => undefined, note: `Redis at ${u.host}` };
  } catch {
    const handle: RedisHandle = await startRedis();
    return { url: handle.url, host: handle.host, port: handle.port, stop: () => handle.stop(), note: 'a spawned redis-server (no persistence)' };
  } finally {
    probe.disconnect();
  }
}

const asyncRows = (name: string, runs: RoundTrip[]): Row[] => [
  { name, metric: 'commands/s', value: median(runs.map((r) => r.perSecond)) },
  { name, metric: 'p50 ms', value: median(runs.map((r) => r.p50Ms)) },
  { name, metric: 'p99 ms', value: median(runs.map((r) => r.p99Ms)) },
];

/**
 * CQRS. Headline: the bus cqrsPlugin wires by default (correlation + validation), a new command per
 * call, CPU per command against @nestjs/cqrs, each peer in its own process (plugin-peers.ts). Then the
 * bare bus best case (one process, reused commands), and async commands end to end (dispatch →
 * queue → worker → result) on the memory, filesystem and Redis drivers against BullMQ.
 */
const suite: Suite = {
  name: 'cqrs',
  async run({ quick }) {
    const ratios: Record<string, Spread> = {};
    const rows: Row[] = [];
    const notes: string[] = [];

    // What users run: the bus cqrsPlugin wires by default, a new command per call, each peer in its own process.
    const pluginRounds = roundsFor(quick, { quick: 2, full: 5 });
    const pluginN = quick ? 200_000 : 1_000_000;
    const plugin = await pluginPeers({ n: pluginN, rounds: pluginRounds });
    rows.push(...plugin.rows);
    Object.assign(ratios, plugin.ratios);
    notes.push(...plugin.notes);

    // Best case: bare createBuses() bus, reused commands, one process.
    const n = quick ? 300_000 : 2_000_000;
    const rounds = roundsFor(quick, { quick: 3, full: 9 });
    const bare = odyRunner(0);
    const twoMw = odyRunner(2);
    const nest = await nestRunner();
    await bare(n / 5);
    await twoMw(n / 5);
    await nest.run(n / 5);
    const sync = await alternate(rounds, {
      'ody-bare': () => bare(n),
      'ody-2mw': () => twoMw(n),
      'nest-cqrs': () => nest.run(n),
    });
    await nest.close();
    for (const k of ['ody-bare', 'ody-2mw', 'nest-cqrs'] as const) rows.push({ name: k, metric: 'commands/s', value: median(sync[k]) });
    ratios['ody-bare/nest-cqrs'] = ratioOf(sync['ody-bare'], sync['nest-cqrs']);
    ratios['ody-2mw/nest-cqrs'] = ratioOf(sync['ody-2mw'], sync['nest-cqrs']);
    notes.push(
      `ody-bare / ody-2mw / nest-cqrs: one process, bare createBuses() bus, 1,024 reused command objects (best case, not what the plugin wires); ${n.toLocaleString('en-US')} sequential awaited commands per sample, ${rounds} alternating rounds`,
      'ody-2mw: two pass-through async middlewares that each count the message',
    );

    // Async commands end to end.
    const inFlight = 16;
    const asyncRounds = roundsFor(quick, { quick: 1, full: 5 });
    const total = quick ? 1_000 : 5_000;
    const memory: RoundTrip[] = [];
    const fs: RoundTrip[] = [];
    for (let r = 0; r < asyncRounds; r++) {
      memory.push(await roundTrip('memory', total, inFlight));
      fs.push(await roundTrip('filesystem', total, inFlight));
    }
    rows.push(...asyncRows('async-memory', memory), ...asyncRows('async-filesystem', fs));
    let redis: Awaited<ReturnType<typeof redisFor>> | undefined;
    try {
      redis = await redisFor();
      const { url, host, port } = redis;
      const ody: RoundTrip[] = [];
      const bull: RoundTrip[] = [];
      await alternate(asyncRounds, {
        'async-redis': async () => {
          ody.push(await roundTrip('redis', total, inFlight, url));
          return 0;
        },
        'bullmq-queue-events': async () => {
          bull.push(await bullRoundTrip(total, inFlight, host, port));
          return 0;
        },
      });
      rows.push(...asyncRows('async-redis', ody), ...asyncRows('bullmq-queue-events', bull));
      const per = (runs: RoundTrip[], k: keyof RoundTrip) => runs.map((r) => r[k]);
      ratios['async-redis/bullmq-queue-events'] = ratioOf(per(ody, 'perSecond'), per(bull, 'perSecond'));
      ratios['async-redis/bullmq-queue-events (p50)'] = ratioOf(per(ody, 'p50Ms'), per(bull, 'p50Ms'), false);
      ratios['async-redis/bullmq-queue-events (p99)'] = ratioOf(per(ody, 'p99Ms'), per(bull, 'p99Ms'), false);
      notes.push(
        `async-redis: Redis queue driver + Redis status store (pub/sub wake-ups); bullmq-queue-events: Queue.add → Worker (concurrency ${inFlight}) → job.waitUntilFinished(QueueEvents), finished jobs kept; both on ${redis.note}, each under its own key prefix, workers connected and one command through before the clock`,
      );
    } catch (err) {
      notes.push(`async-redis / bullmq: skipped (${(err as Error).message})`);
    } finally {
      await redis?.stop();
    }
    notes.push(
      `async: ${total.toLocaleString('en-US')} commands per round, ${inFlight} in flight (closed loop), latency = dispatch → result back (commandBus.wait / waitUntilFinished), medians of ${asyncRounds} rounds (Ody-Redis and BullMQ alternating); filesystem driver non-durable (no fsync), status store on the same disk; memory and filesystem have no BullMQ counterpart (BullMQ needs Redis)`,
    );

    const { ratios: medians, spreads } = ratioEntries(ratios);
    return { rows, ratios: medians, spreads, notes };
  },
};

export default suite;
