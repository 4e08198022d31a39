import { alternate, median, ratioEntries, ratioOf, roundsFor, type Spread, spreadOf } from '../measure.js';
import { canPin } from '../pin.js';
import type { Row, Suite } from '../types.js';
import { type IdlePeer, type IdleResult, type PeerName, type RedisPeer, type RunResult, runIdle, runPeer, runRedisPeer } from './websocket/run-peer.js';

const fanoutPeers: PeerName[] = ['uws-raw', 'ody-broadcast', 'ws-raw', 'ody-node-engine', 'ody-broadcast-2workers'];
const idlePeers: IdlePeer[] = ['uws-raw', 'ody-broadcast', 'ws-raw', 'ody-node-engine'];
const redisPeers: RedisPeer[] = ['ody-redis', 'socketio-redis'];

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Run `fn` per peer with `alternate`, keeping every run's full result beside the sample. */
async function rounds<P extends string, R>(rounds: number, peers: readonly P[], fn: (peer: P) => Promise<R>): Promise<Map<P, R[]>> {
  const runs = new Map<P, R[]>(peers.map((p) => [p, []]));
  await alternate(
    rounds,
    Object.fromEntries(
      peers.map((p) => [
        p,
        async () => {
          const r = await fn(p);
          runs.get(p)!.push(r);
          console.log(`websocket: ${p} ${JSON.stringify(r, (_k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))}`);
          return 0;
        },
      ]),
    ) as Record<P, () => Promise<number>>,
  );
  return runs;
}

/**
 * Three parts, each with the server processes pinned to one core and the load-generator processes to
 * the other (src/pin.ts), and every peer run in fresh processes, alternating order each round:
 *
 * 1. Fan-out: 500 `ws` clients in 2 load-generator processes subscribed to one channel; the server
 *    publishes M frames. Headline: server CPU per delivery (user + system of every server thread);
 *    deliveries/s and p99 delivery latency beside it (those are bounded by the pinned clients).
 *    uws-raw is `app.publish` on a bare uWS app; ody-broadcast the hub in one thread (uws engine);
 *    ws-raw a bare `ws` server sending to every client; ody-node-engine the same hub on the node
 *    engine (node:http + ws); ody-broadcast-2workers @ody/http with two worker threads, clients spread
 *    by SO_REUSEPORT, the publish issued on one worker.
 * 2. Idle connections: 10,000 connections to each server with its defaults, opened by 4 load
 *    generators; RSS growth per connection (after a full GC), accepts/s and server CPU per accept.
 * 3. Cross-process fan-out through Redis: two server processes on the same local Redis (a fresh key
 *    prefix per run), half the clients on each, publish on one: @ody/websocket's Redis adapter against
 *    socket.io with @socket.io/redis-adapter (websocket transport, clients joined to one room).
 */
const suite: Suite = {
  name: 'websocket',
  async run({ quick }) {
    const started = Date.now();
    const pinnedNote = canPin()
      ? 'servers pinned to core 1, load generators to core 0 (taskset)'
      : 'not pinned (no taskset or one core): servers and load generators share the CPUs';
    const clients = 500;
    const processes = 2;
    const messages = quick ? 200 : 3000;
    const connections = 10_000;
    const idleProcesses = 4;
    const window = 50;
    const redisClients = 500;
    const redisMessages = quick ? 200 : 1000;
    const fanoutRounds = roundsFor(quick, { quick: 2, full: 5 });
    const idleRounds = roundsFor(quick, { quick: 1, full: 5 });
    const redisRounds = roundsFor(quick, { quick: 2, full: 5 });

    const rows: Row[] = [];
    const spreads: Record<string, Spread> = {};

    // 1. Fan-out
    const fan = await rounds(fanoutRounds, fanoutPeers, (p) => runPeer(p, clients, processes, messages));
    const cpuOf = (runs: RunResult[]) => runs.map((r) => r.cpuNsPerDelivery);
    const rateOf = (runs: RunResult[]) => runs.map((r) => r.deliveriesPerS);
    const fanRows = (m: Map<string, RunResult[]>) => {
      for (const [peer, runs] of m) {
        rows.push({ name: peer, metric: 'server cpu ns/delivery', value: round2(median(cpuOf(runs))) });
        rows.push({ name: peer, metric: 'deliveries/s', value: Math.round(median(rateOf(runs))) });
        rows.push({ name: peer, metric: 'p99 ms', value: round2(median(runs.map((s) => s.p99ms))) });
        rows.push({ name: peer, metric: 'delivered/expected', value: Math.min(...runs.map((s) => s.delivered / s.expected)) });
      }
    };
    fanRows(fan as Map<string, RunResult[]>);
    const pair = (m: Map<string, RunResult[]>, a: string, b: string) => {
      spreads[`${a}/${b} (cpu per delivery)`] = ratioOf(cpuOf(m.get(a)!), cpuOf(m.get(b)!), false);
      spreads[`${a}/${b}`] = ratioOf(rateOf(m.get(a)!), rateOf(m.get(b)!));
    };
    pair(fan as Map<string, RunResult[]>, 'ody-broadcast', 'uws-raw');
    pair(fan as Map<string, RunResult[]>, 'ody-node-engine', 'ws-raw');
    const two = fan.get('ody-broadcast-2workers')!;
    // Worst run: every subscriber must get every message.
    spreads['ody-broadcast-2workers/expected'] = spreadOf(two.map((s) => s.delivered / s.expected));
    console.log(`websocket: fan-out done (${((Date.now() - started) / 1000).toFixed(0)} s)`);

    // 2. Idle connections
    const idle = await rounds(idleRounds, idlePeers, (p) => runIdle(p, connections, idleProcesses, window));
    const kbOf = (runs: IdleResult[]) => runs.map((r) => r.rssPerConnection / 1024);
    for (const [peer, runs] of idle) {
      rows.push({ name: `${peer} idle`, metric: 'RSS KB/connection', value: round2(median(kbOf(runs))) });
      rows.push({ name: `${peer} idle`, metric: 'accepts/s', value: Math.round(median(runs.map((r) => r.acceptsPerS))) });
      rows.push({ name: `${peer} idle`, metric: 'server cpu µs/accept', value: round2(median(runs.map((r) => r.cpuUsPerAccept))) });
    }
    const idlePair = (a: IdlePeer, b: IdlePeer) => {
      const ra = idle.get(a)!;
      const rb = idle.get(b)!;
      // A difference, not a ratio: KB per idle connection Ody holds above the peer (lower is better).
      spreads[`${a}-${b} (KB per idle connection above)`] = spreadOf(kbOf(ra).map((x, i) => x - kbOf(rb)[i]!));
      spreads[`${a}/${b} (rss per idle connection)`] = ratioOf(kbOf(ra), kbOf(rb), false);
      spreads[`${a}/${b} (accepts/s)`] = ratioOf(
        ra.map((r) => r.acceptsPerS),
        rb.map((r) => r.acceptsPerS),
      );
      spreads[`${a}/${b} (cpu per accept)`] = ratioOf(
        ra.map((r) => r.cpuUsPerAccept),
        rb.map((r) => r.cpuUsPerAccept),
        false,
      );
    };
    idlePair('ody-broadcast', 'uws-raw');
    idlePair('ody-node-engine', 'ws-raw');
    console.log(`websocket: idle connections done (${((Date.now() - started) / 1000).toFixed(0)} s)`);

    // 3. Cross-process fan-out through Redis
    const redis = await rounds(redisRounds, redisPeers, (p) => runRedisPeer(p, redisClients, redisMessages));
    fanRows(redis as Map<string, RunResult[]>);
    pair(redis as Map<string, RunResult[]>, 'ody-redis', 'socketio-redis');

    const wall = (Date.now() - started) / 1000;
    console.log(`websocket: wall time ${wall.toFixed(0)} s`);
    return {
      rows,
      ...ratioEntries(Object.fromEntries(Object.entries(spreads).map(([k, s]) => [k, { ...s, median: round2(s.median), min: round2(s.min), max: round2(s.max) }]))),
      notes: [
        pinnedNote,
        `fan-out: ${clients} ws clients in ${processes} load-generator processes, ${messages} frames of ~80 bytes per run, published in batches of 100; ${fanoutRounds} alternating rounds, fresh processes each run`,
        '"server cpu ns/delivery": user+system CPU of the server process (all threads) from publish to the last delivery, per delivery; the headline, since deliveries/s is bounded by the load generators on their one core. "(cpu per delivery)" ratios are inverted so above 1 = Ody cheaper; plain ratios are deliveries/s',
        'p99 latency sampled on every 10th client; delivered/expected is the worst run (1 = every subscriber got every message)',
        `idle: ${connections.toLocaleString('en')} connections per server, each server with its defaults and no subscription, opened by ${idleProcesses} load generators (${window} handshakes in flight each); RSS growth per connection after a full GC (--expose-gc), accepts/s from the first handshake to the last open, server CPU per accept; ${idleRounds} alternating round(s)`,
        '"(KB per idle connection above)" is a difference, not a ratio: KB per connection Ody holds above the peer (lower is better; goal ≤ 4 KB above raw uWS)',
        `redis: 2 server processes on 127.0.0.1:6379 with a fresh prefix per run, ${redisClients} clients (half on each), ${redisMessages} frames published on the first; CPU is both servers together; socket.io ${'4.8'} with @socket.io/redis-adapter 8, websocket transport only, perMessageDeflate off; ${redisRounds} alternating rounds`,
        `wall time ${wall.toFixed(0)} s`,
      ],
    };
  },
};

export default suite;
