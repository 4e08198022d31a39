import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { CLIENT_CPU, freePort, kill, lineOf, p99Of, SERVER_CPU, spawnTs, stats } from './proc.js';

/** Fan-out peers of the websocket suite. */
export type PeerName = 'uws-raw' | 'ws-raw' | 'ody-broadcast' | 'ody-node-engine' | 'ody-broadcast-2workers';
/** Idle-connection peers: the same servers with their defaults, nobody subscribed. */
export type IdlePeer = 'uws-raw' | 'ody-broadcast' | 'ws-raw' | 'ody-node-engine';
/** Cross-process fan-out peers: two server processes joined through the same Redis. */
export type RedisPeer = 'ody-redis' | 'socketio-redis';

/** What one measured fan-out run produced. */
export interface RunResult {
  delivered: number;
  expected: number;
  deliveriesPerS: number;
  p99ms: number;
  /** Server CPU (user + system, every thread, every server process) per delivery, in ns. */
  cpuNsPerDelivery: number;
}

/** What one idle-connections run produced. */
export interface IdleResult {
  /** Server RSS growth per open connection (after a full GC both times), bytes. */
  rssPerConnection: number;
  /** Connections accepted per second (first handshake started → last open, all load generators). */
  acceptsPerS: number;
  /** Server CPU per accepted connection, µs. */
  cpuUsPerAccept: number;
}

// --expose-gc: `stats gc` reads RSS after a full GC. A fixed young generation (16 MB semi-spaces, V8's
// usual maximum) keeps V8 from growing it under the accept load and shrinking it later, which moved
// RSS by tens of MB (KBs per connection) independently of what a connection holds.
const SERVER_NODE_ARGS = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];

function post(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

async function startServer(peer: string, port: number, mode: string, prefix?: string): Promise<ChildProcess> {
  const server = spawnTs('./server.ts', [peer, String(port), mode, ...(prefix ? [prefix] : [])], SERVER_CPU, SERVER_NODE_ARGS);
  await lineOf(server, (l) => l === 'ready', `${peer} server`);
  return server;
}

interface LoaderOut {
  delivered: number;
  first: number;
  last: number;
  latencies: number[];
}

/** Start load generators one after another (each `ready` when all its clients are subscribed). */
async function startLoaders(
  script: string,
  argsOf: (p: number, n: number) => string[],
  clients: number,
  processes: number,
  loaders: ChildProcess[],
): Promise<Promise<string>[]> {
  const per = Math.ceil(clients / processes);
  const results: Promise<string>[] = [];
  for (let p = 0; p < processes; p++) {
    const n = Math.min(per, clients - p * per);
    const child = spawnTs(script, argsOf(p, n), CLIENT_CPU);
    loaders.push(child);
    await lineOf(child, (l) => l === 'ready', 'load generator');
    // Listen for the result line before anything can be published.
    results.push(lineOf(child, (l) => l.startsWith('{'), 'load generator result'));
  }
  return results;
}

function summarise(lines: string[], expected: number, cpuUs: number): RunResult {
  const outs = lines.map((l) => JSON.parse(l) as LoaderOut);
  const delivered = outs.reduce((s, o) => s + o.delivered, 0);
  const start = Math.min(...outs.filter((o) => o.delivered > 0).map((o) => o.first));
  const end = Math.max(...outs.map((o) => o.last));
  return {
    delivered,
    expected,
    deliveriesPerS: delivered / ((end - start) / 1000),
    p99ms: p99Of(outs.flatMap((o) => o.latencies)),
    cpuNsPerDelivery: (cpuUs * 1000) / delivered,
  };
}

/**
 * One fan-out run of one peer: a fresh server process (pinned), `processes` load-generator processes
 * (pinned to the other core) holding `clients` connections in all, `messages` frames published;
 * deliveries/s over the whole fan-out and server CPU per delivery.
 */
export async function runPeer(peer: PeerName, clients: number, processes: number, messages: number): Promise<RunResult> {
  const port = await freePort();
  const server = await startServer(peer, port, 'fanout');
  const loaders: ChildProcess[] = [];
  try {
    const mode = peer === 'uws-raw' || peer === 'ws-raw' ? 'raw' : 'ody';
    const url = `ws://127.0.0.1:${port}/ws`;
    const results = await startLoaders('./clients.ts', (_p, n) => [url, String(n), mode, String(messages)], clients, processes, loaders);
    const before = await stats(server);
    const batch = 100;
    if (peer === 'ody-broadcast-2workers') await post(port, `/bench/publish/${messages}/${batch}`);
    else server.stdin!.write(`run ${messages} ${batch}\n`);
    const lines = await Promise.all(results);
    const after = await stats(server);
    return summarise(lines, clients * messages, after.cpuUs - before.cpuUs);
  } finally {
    await Promise.all([...loaders.map(kill), kill(server)]);
  }
}

/**
 * Cross-process fan-out: two server processes of `peer` joined through Redis (a fresh prefix per run),
 * half the clients on each, the publish issued on the first; CPU is both servers' together.
 */
export async function runRedisPeer(peer: RedisPeer, clients: number, messages: number): Promise<RunResult> {
  const prefix = `ody-bench-${randomUUID()}`;
  const ports = [await freePort(), await freePort()];
  const servers: ChildProcess[] = [];
  const loaders: ChildProcess[] = [];
  try {
    for (const port of ports) servers.push(await startServer(peer, port, 'redis', prefix));
    const results =
      peer === 'socketio-redis'
        ? await startLoaders('./sio-clients.ts', (p, n) => [`http://127.0.0.1:${ports[p]}`, String(n), String(messages)], clients, 2, loaders)
        : await startLoaders('./clients.ts', (p, n) => [`ws://127.0.0.1:${ports[p]}/ws`, String(n), 'ody', String(messages)], clients, 2, loaders);
    const before = await Promise.all(servers.map((s) => stats(s)));
    servers[0]!.stdin!.write(`run ${messages} 100\n`);
    const lines = await Promise.all(results);
    const after = await Promise.all(servers.map((s) => stats(s)));
    const cpuUs = after.reduce((sum, a, i) => sum + a.cpuUs - before[i]!.cpuUs, 0);
    return summarise(lines, clients * messages, cpuUs);
  } finally {
    await Promise.all([...loaders.map(kill), ...servers.map(kill)]);
    if (peer === 'ody-redis') await dropKeys(prefix);
  }
}

/** Remove what the Ody adapter left under a run's prefix (heartbeats, connection counts). */
async function dropKeys(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Idle connections: a fresh server with its defaults, `connections` (rounded up to a multiple of
 * `processes`) opened by `processes` load generators (pinned to the other core, `window` handshakes
 * in flight each), then held idle: a tenth as warm-up, then the rest measured. RSS growth per
 * measured connection after a full GC, accepts/s, server CPU per accept.
 */
export async function runIdle(peer: IdlePeer, connections: number, processes: number, window: number): Promise<IdleResult> {
  const port = await freePort();
  const server = await startServer(peer, port, 'idle');
  const loaders: ChildProcess[] = [];
  try {
    const per = Math.ceil(connections / processes);
    const url = `ws://127.0.0.1:${port}/ws`;
    for (let p = 0; p < processes; p++) loaders.push(spawnTs('./clients.ts', [url, String(per), 'idle', String(window)], CLIENT_CPU));
    await Promise.all(loaders.map((l) => lineOf(l, (x) => x === 'loaded', 'load generator')));
    const open = async (n: number) => {
      const ready = loaders.map((l) => lineOf(l, (x) => x.startsWith('ready '), 'load generator'));
      for (const l of loaders) l.stdin!.write(`go ${n}\n`);
      return (await Promise.all(ready)).map((l) => JSON.parse(l.slice(6)) as { start: number; end: number; n: number });
    };
    // Warm-up: the first connections (and the memory the server releases after start-up) are not
    // counted; RSS per connection and accepts are measured over the rest.
    const warm = Math.ceil(connections / 10 / processes);
    await open(warm);
    const before = await stats(server, true);
    const cpuBefore = (await stats(server)).cpuUs; // the GC above is not billed to the accepts
    const outs = await open(per - warm);
    const accepted = await stats(server);
    const measured = outs.reduce((s, o) => s + o.n, 0);
    // Let the servers finish what follows an open (Ody's `connected` frame) before reading RSS.
    await new Promise((r) => setTimeout(r, 500));
    const after = await stats(server, true);
    const seconds = (Math.max(...outs.map((o) => o.end)) - Math.min(...outs.map((o) => o.start))) / 1000;
    return {
      rssPerConnection: (after.rss - before.rss) / measured,
      acceptsPerS: measured / seconds,
      cpuUsPerAccept: (accepted.cpuUs - cpuBefore) / measured,
    };
  } finally {
    await Promise.all([...loaders.map(kill), kill(server)]);
  }
}
