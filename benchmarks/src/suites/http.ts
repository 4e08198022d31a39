import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { alternate, median, ratioEntries, ratioOf, roundsFor, type Spread } from '../measure.js';
import { canPin, pinned, pinPid } from '../pin.js';
import type { Row, Suite } from '../types.js';
import { type ColdPeer, coldPeers, coldStart } from './http/cold.js';
import { cpuMicrosPerRequest, cpuSeconds } from './http/cpu.js';
import { type LoadResult, load, loadTool, type OpenLoopResult, openLoop } from './http/load.js';

const peerNames = ['uws-raw', 'ody-route', 'ody-controller', 'ody-otel-nosdk', 'ody-node-engine', 'hyper-express', 'fastify', 'node-http'] as const;
type PeerName = (typeof peerNames)[number];

/** Every measured row: which peer process serves it, and the request. */
interface Sample {
  peer: PeerName;
  path: string;
  body?: string;
}

// 1 KB JSON body for POST /echo and /echo-valid
const echoBody = JSON.stringify({ items: Array.from({ length: 24 }, (_, i) => ({ id: i, name: `item-${i}` })), pad: 'x'.repeat(200) }).slice(0, 1024);
const postBody = JSON.stringify({ data: echoBody.replace(/"/g, "'").slice(0, 1010) });

const samples: Record<string, Sample> = {
  'uws-raw': { peer: 'uws-raw', path: '/users/42' },
  'ody-route': { peer: 'ody-route', path: '/users/42' },
  'ody-controller': { peer: 'ody-controller', path: '/users/42' },
  'ody-otel-nosdk': { peer: 'ody-otel-nosdk', path: '/users/42' },
  'ody-node-engine': { peer: 'ody-node-engine', path: '/users/42' },
  'hyper-express': { peer: 'hyper-express', path: '/users/42' },
  fastify: { peer: 'fastify', path: '/users/42' },
  'node-http': { peer: 'node-http', path: '/users/42' },
  'uws-post': { peer: 'uws-raw', path: '/echo', body: postBody },
  'ody-post': { peer: 'ody-controller', path: '/echo', body: postBody },
  'fastify-post': { peer: 'fastify', path: '/echo', body: postBody },
  'ody-post-validated': { peer: 'ody-controller', path: '/echo-valid', body: postBody },
  'fastify-post-validated': { peer: 'fastify', path: '/echo-valid', body: postBody },
};

/** Ratio pairs (a/b). Each gets a req/s ratio and a "(cpu per req)" ratio, both above 1 = a better. */
const pairs: Array<[string, string]> = [
  ['ody-controller', 'uws-raw'],
  ['ody-controller', 'hyper-express'],
  ['ody-controller', 'fastify'],
  ['ody-otel-nosdk', 'ody-controller'],
  ['ody-post', 'uws-post'],
  ['ody-post', 'fastify-post'],
  ['ody-node-engine', 'fastify'],
  ['ody-node-engine', 'node-http'],
  ['ody-post-validated', 'fastify-post-validated'],
];
/** Keys whose plain name is the CPU ratio, as the issue names them (req/s goes to "<key> (req/s)"). */
const cpuHeadline = new Set(['ody-post-validated/fastify-post-validated']);

/** Peers of the open-loop latency rows (node-http is left out to keep a full run under ~12 minutes). */
const latencyPeers: PeerName[] = ['ody-controller', 'fastify', 'uws-raw', 'ody-node-engine'];

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const SERVER_CPU = '1';
const LOAD_CPU = '0';

/** Start a peer server in its own child process (never in the load generator's process), pinned to the server core. */
async function startPeer(name: PeerName): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./http/peer.ts', import.meta.url));
  const [cmd, args] = pinned(SERVER_CPU, process.execPath, ['--import', 'tsx', script, name, String(port)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`peer ${name} exited with ${code} before ready`)));
  });
  return { port, child };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

const suite: Suite = {
  name: 'http',
  async run({ quick }) {
    const started = Date.now();
    const pin = canPin();
    const allCpus = `0-${availableParallelism() - 1}`;
    // The suite process drives autocannon and the cold-start polls: keep it on the load core too.
    if (pin) pinPid(process.pid, LOAD_CPU);
    const settings = { connections: 100, durationS: quick ? 3 : 5, cpus: pin ? LOAD_CPU : undefined };
    const rounds = roundsFor(quick, { quick: 2, full: 5 });
    const olRounds = roundsFor(quick, { quick: 1, full: 5 });
    const olSettings = { connections: 50, durationS: 3, cpus: settings.cpus };
    const satSettings = { ...olSettings, durationS: 2 };
    const coldRounds = roundsFor(quick, { quick: 2, full: 5 });
    const peers = new Map<PeerName, { port: number; child: ChildProcess }>();
    const rows: Row[] = [];
    const spreads: Record<string, Spread> = {};
    let peerNote = '';
    try {
      for (const name of peerNames) peers.set(name, await startPeer(name));
      const urlOf = (s: Sample) => `http://127.0.0.1:${peers.get(s.peer)!.port}${s.path}`;
      for (const s of Object.values(samples)) await load(urlOf(s), { ...settings, durationS: 1 }, s.body); // warm-up (JIT)

      // 1. Closed loop (wrk -c100): req/s, p99, and server CPU per request, every row each round.
      const results = new Map<string, LoadResult[]>();
      const cpu = new Map<string, number[]>();
      const loadRounds = await alternate(
        rounds,
        Object.fromEntries(
          Object.entries(samples).map(([row, s]) => [
            row,
            async () => {
              const pid = peers.get(s.peer)!.child.pid;
              const before = cpuSeconds(pid);
              const r = await load(urlOf(s), settings, s.body);
              const us = cpuMicrosPerRequest(before, cpuSeconds(pid), r.requests > 0 ? r.requests : r.rps * settings.durationS);
              results.set(row, [...(results.get(row) ?? []), r]);
              cpu.set(row, [...(cpu.get(row) ?? []), us ?? Number.NaN]);
              return r.rps;
            },
          ]),
        ),
      );
      for (const [row, rs] of results) {
        rows.push({ name: row, metric: 'server cpu µs/req', value: round2(median(cpu.get(row)!)) });
        rows.push({ name: row, metric: 'req/s', value: Math.round(median(rs.map((r) => r.rps))) });
        rows.push({ name: row, metric: 'p99 ms', value: round2(median(rs.map((r) => r.p99ms))) });
      }
      const hasCpu = [...cpu.values()].every((v) => v.every((x) => Number.isFinite(x)));
      const nodeCpu = median(cpu.get('node-http')!);
      const fastifyCpu = median(cpu.get('fastify')!);
      peerNote = `fastify against a bare node:http handler in this run: ${(nodeCpu / fastifyCpu).toFixed(2)}× its CPU per request, ${(median(loadRounds.fastify!) / median(loadRounds['node-http']!)).toFixed(2)}× its req/s; so ody-node-engine/fastify ≥ 1.2 needs ody-node-engine/node-http ≥ ${(1.2 * (nodeCpu / fastifyCpu)).toFixed(2)} on node's own HTTP stack`;
      for (const [a, b] of pairs) {
        const key = `${a}/${b}`;
        const rps = ratioOf(loadRounds[a]!, loadRounds[b]!);
        const cpuRatio = hasCpu ? ratioOf(cpu.get(a)!, cpu.get(b)!, false) : undefined;
        if (cpuHeadline.has(key) && cpuRatio !== undefined) {
          spreads[key] = cpuRatio;
          spreads[`${key} (req/s)`] = rps;
        } else {
          spreads[key] = rps;
          if (cpuRatio !== undefined) spreads[`${key} (cpu per req)`] = cpuRatio;
        }
      }

      // 2. Open loop: latency at 50% and 90% of each peer's saturation (autocannon, same connections).
      const olRows = new Map<string, OpenLoopResult[]>();
      const satRows = new Map<string, number[]>();
      await alternate(
        olRounds,
        Object.fromEntries(
          latencyPeers.map((peer) => [
            peer,
            async () => {
              const url = `http://127.0.0.1:${peers.get(peer)!.port}/users/42`;
              const sat = await openLoop(url, satSettings);
              satRows.set(peer, [...(satRows.get(peer) ?? []), sat.rps]);
              for (const pct of [50, 90]) {
                const r = await openLoop(url, olSettings, (sat.rps * pct) / 100);
                olRows.set(`${peer} @${pct}%`, [...(olRows.get(`${peer} @${pct}%`) ?? []), r]);
              }
              return sat.rps;
            },
          ]),
        ),
      );
      for (const [peer, sats] of satRows) rows.push({ name: peer, metric: 'open-loop saturation req/s', value: Math.round(median(sats)) });
      for (const [name, rs] of olRows) {
        rows.push({ name, metric: 'offered req/s', value: Math.round(median(rs.map((r) => r.rate))) });
        rows.push({ name, metric: 'p50 ms', value: round2(median(rs.map((r) => r.p50))) });
        rows.push({ name, metric: 'p99 ms', value: round2(median(rs.map((r) => r.p99))) });
        rows.push({ name, metric: 'p99.9 ms', value: round2(median(rs.map((r) => r.p999))) });
      }
    } finally {
      for (const p of peers.values()) p.child.kill('SIGKILL');
    }

    // 3. Cold start (spawn → first 200) and idle RSS, each peer in a fresh process, alternating.
    const cold = new Map<ColdPeer, { ms: number[]; rss: number[] }>();
    const coldMs = await alternate(
      coldRounds,
      Object.fromEntries(
        coldPeers.map((peer) => [
          peer,
          async () => {
            const r = await coldStart(peer, await freePort(), pin ? SERVER_CPU : allCpus, quick ? 500 : 1000);
            const c = cold.get(peer) ?? { ms: [], rss: [] };
            c.ms.push(r.ms);
            c.rss.push(r.rssMb);
            cold.set(peer, c);
            return r.ms;
          },
        ]),
      ) as Record<ColdPeer, () => Promise<number>>,
    );
    for (const [peer, c] of cold) {
      rows.push({ name: `${peer} (cold)`, metric: 'start → first 200 ms', value: Math.round(median(c.ms)) });
      rows.push({ name: `${peer} (cold)`, metric: 'idle RSS MB', value: round2(median(c.rss)) });
    }
    for (const other of ['fastify', 'nest'] as const) {
      spreads[`ody-cold-start/${other}-cold-start`] = ratioOf(coldMs.ody, coldMs[other], false);
      spreads[`ody-idle-rss/${other}-idle-rss`] = ratioOf(cold.get('ody')!.rss, cold.get(other)!.rss, false);
    }
    if (pin) pinPid(process.pid, allCpus);

    const wallS = (Date.now() - started) / 1000;
    const { ratios, spreads: sp } = ratioEntries(spreads);
    return {
      rows,
      ratios,
      spreads: sp,
      notes: [
        `wall time ${wallS.toFixed(0)} s`,
        `${pin ? `pinned: servers on core ${SERVER_CPU}, load generator (wrk / autocannon) on core ${LOAD_CPU} (taskset)` : 'NOT pinned (no taskset or one core): load generator and servers share the CPUs, read the CPU rows'}; ${rounds} rounds, order alternating each round; ratios are medians of per-round ratios with min–max spread`,
        `closed loop: ${loadTool()} ${loadTool() === 'wrk' ? '-t1 ' : ''}-c${settings.connections}, ${settings.durationS} s per sample; "server cpu µs/req" is user+system CPU of the peer process (from /proc) per answered request: the headline, req/s beside it`,
        'ratio keys: `a/b` is req/s and `a/b (cpu per req)` server CPU per request (inverted: above 1 = a cheaper); `ody-post-validated/fastify-post-validated` is CPU per request as its issue names it (`… (req/s)` beside)',
        'GET /users/:id → {id,name} JSON; POST /echo with a ~1 KB JSON body; POST /echo-valid: the same body validated (Ody: zod schema on the route; fastify: JSON schema for body and response, its documented fast path; fastify GET has its response schema too); every peer in its own child process',
        'ody-controller: DI-resolved controller + one global middleware + @Param on the uws engine (checked; never the JS shim); ody-node-engine: the same app on the node engine (node:http)',
        peerNote,
        'ody-otel-nosdk: ody-controller plus otelPlugin (tracing on; @opentelemetry/api present, no SDK registered): the cost of being instrumented while nobody collects',
        `open loop: autocannon -c${olSettings.connections} in its own process; saturation = its closed-loop req/s (${satSettings.durationS} s), then ${olSettings.durationS} s at 50% and 90% of that (--overallRate; latency counted from each request's scheduled send, so coordinated omission is corrected); ${olRounds} rounds, medians. For the uWS peers one autocannon core may be the limit, so their "saturation" is the generator's`,
        `cold start: plain-JS apps (cold/*.mjs, no TypeScript loader) spawned${pin ? ` on core ${SERVER_CPU}` : ''}, polled every 2 ms until the first 200 of GET /users/1; idle RSS read ${quick ? 0.5 : 1} s later; Ody (http plugin, auto engine), fastify (logger off), NestJS 11 on @nestjs/platform-express (logger off); ${coldRounds} rounds; ratios inverted (above 1 = Ody faster / smaller)`,
      ],
    };
  },
};

export default suite;
