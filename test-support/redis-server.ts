import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePortPair } from './ports.js';
import { findBinary, freePort, ServerProcess, waitUntilAnswers } from './server-process.js';

export { freePort };

/** How a spawned redis-server keeps data across `restart()`. */
export type RedisPersistence = 'none' | 'aof' | 'rdb';

/** Options for a redis-server started by the harness. */
export interface RedisServerOptions {
  /** 'aof' (appendfsync always: survives even SIGKILL), 'rdb' (saved on graceful stop), 'none' (default). */
  persistence?: RedisPersistence;
  /** Extra `--flag value` arguments passed to redis-server. */
  args?: string[];
}

/** A redis-server process owned by the harness, on 127.0.0.1 and a free port, with a temp dir. */
export interface SpawnedRedis {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Pid of the current redis-server process (changes on restart). */
  pid(): number | undefined;
  /** Stops the server. `kill: true` sends SIGKILL (crash), else SHUTDOWN-like SIGTERM (saves RDB if enabled). */
  stop(opts?: { kill?: boolean; keepDir?: boolean }): Promise<void>;
  /** Starts it again on the same port and dir (data survives only with persistence). */
  start(): Promise<void>;
  /** stop + start on the same port. */
  restart(opts?: { kill?: boolean; downMs?: number }): Promise<void>;
}

/** Absolute path of redis-server ($REDIS_SERVER_BIN or first match on PATH), or undefined. */
export function findRedisServer(): string | undefined {
  return findBinary('redis-server', 'REDIS_SERVER_BIN');
}

/** Resolves when `PING` on host:port answers `+PONG`, rejects after timeoutMs. */
export function waitForPing(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  return waitUntilAnswers('redis', pingOnce, host, port, timeoutMs);
}

function pingOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

function persistenceArgs(p: RedisPersistence): string[] {
  if (p === 'aof') return ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
  if (p === 'rdb') return ['--appendonly', 'no', '--save', '3600 1'];
  return ['--appendonly', 'no', '--save', ''];
}

/** Spawns redis-server on a free loopback port with its own temp dir; retries if the port was taken. */
export async function spawnRedisServer(binary: string, options: RedisServerOptions = {}): Promise<SpawnedRedis> {
  const server = await ServerProcess.start({
    label: 'redis',
    binary,
    args: (port, dir) => [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no',
      '--protected-mode', 'no', '--logfile', '', '--loglevel', 'warning', '--databases', '16',
      ...persistenceArgs(options.persistence ?? 'none'), ...(options.args ?? []),
    ],
    ready: (host, port) => waitForPing(host, port),
  });
  return Object.assign(server, { url: `redis://${server.host}:${server.port}` });
}

/** Where Redis for tests comes from: a spawned redis-server, an external REDIS_URL, or nowhere. */
export type RedisSource =
  | { mode: 'spawn'; binary: string }
  | { mode: 'url'; url: string }
  | { mode: 'none'; reason: string };

/** True under CI=true or ODY_REQUIRE_REDIS=1: a missing Redis must fail, not skip. */
export function redisRequired(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1' || process.env.ODY_REQUIRE_REDIS === '1';
}

/** Which Redis a caller needs. */
export interface RedisNeeds extends RedisServerOptions {
  /** The caller restarts, kills or pauses the server: it needs its own (a local redis-server binary). */
  restartable?: boolean;
  /** The caller reads or changes server-wide state (INFO commandstats, CONFIG, CLIENT KILL…): its own server. */
  private?: boolean;
  /**
   * Tests: follow the server rule — REDIS_URL, else a server answering on 127.0.0.1:6379, else a spawned
   * one. Without it (benchmarks) a spawned server comes first, so nothing else shares it.
   */
  shared?: boolean;
}

/** True when the caller must have a server of its own (restarts, persistence, extra args, server-wide state). */
export function needsOwnRedis(opts: RedisNeeds): boolean {
  return Boolean(opts.restartable || opts.private || (opts.persistence && opts.persistence !== 'none') || (opts.args && opts.args.length > 0));
}

let localAnswers: boolean | undefined;
/** True when a Redis answers PING on 127.0.0.1:6379 (checked once per process, synchronously). */
function localRedisAnswers(): boolean {
  if (localAnswers === undefined) {
    const script = `const s=require('net').connect(6379,'127.0.0.1');s.setTimeout(1000,()=>process.exit(1));s.on('error',()=>process.exit(1));s.on('connect',()=>s.write('PING\\r\\n'));s.on('data',(d)=>process.exit(String(d).startsWith('+PONG')?0:1));`;
    localAnswers = spawnSync(process.execPath, ['-e', script], { timeout: 3000 }).status === 0;
  }
  return localAnswers;
}

/**
 * Picks the Redis source. Shared (tests): REDIS_URL, else 127.0.0.1:6379 when it answers, else a spawned
 * redis-server. A caller that needs its own server (`needsOwnRedis`), and benchmarks, get a spawned one.
 */
export function redisSource(opts: RedisNeeds = {}): RedisSource {
  const binary = findRedisServer();
  const url = process.env.REDIS_URL;
  if (needsOwnRedis(opts)) {
    if (binary) return { mode: 'spawn', binary };
    return { mode: 'none', reason: 'this test restarts Redis or changes server-wide state, which needs its own redis-server (apt-get install redis-server)' };
  }
  if (opts.shared) {
    if (url) return { mode: 'url', url };
    if (localRedisAnswers()) return { mode: 'url', url: 'redis://127.0.0.1:6379' };
  }
  if (binary) return { mode: 'spawn', binary };
  if (url) return { mode: 'url', url };
  return { mode: 'none', reason: 'no REDIS_URL, nothing on 127.0.0.1:6379 and no redis-server binary (apt-get install redis-server)' };
}

/** A Redis for one test file: a spawned server (restartable) or an external REDIS_URL. */
export interface RedisHandle {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when the harness owns the server and can restart it. */
  readonly canRestart: boolean;
  /** A prefix unique to this handle; use it in key/queue names so tests sharing a REDIS_URL never collide. */
  readonly prefix: string;
  /** The spawned server, when the harness owns one. */
  readonly server: SpawnedRedis | undefined;
  /** Stops and starts the server on the same port (throws for an external REDIS_URL). */
  restart(opts?: { kill?: boolean; downMs?: number }): Promise<void>;
  /** Stops the spawned server and removes its dir (no-op for an external REDIS_URL). */
  stop(): Promise<void>;
}

let handles = 0;

/** Starts (or points at) a Redis according to `redisSource`; throws with the reason when there is none. */
export async function startRedis(opts: RedisNeeds = {}): Promise<RedisHandle> {
  const source = redisSource(opts);
  const prefix = `t${process.pid}x${++handles}x${Date.now().toString(36)}`;
  if (source.mode === 'none') throw new Error(`[redis] unavailable: ${source.reason}`);
  if (source.mode === 'url') {
    const u = new URL(source.url);
    return {
      url: source.url,
      host: u.hostname,
      port: Number(u.port || 6379),
      canRestart: false,
      prefix,
      server: undefined,
      restart: () => Promise.reject(new Error('[redis] cannot restart a shared server: pass { restartable: true }')),
      stop: () => Promise.resolve(),
    };
  }
  const server = await spawnRedisServer(source.binary, opts);
  return {
    url: server.url,
    host: server.host,
    port: server.port,
    canRestart: true,
    prefix,
    server,
    restart: (o) => server.restart(o),
    stop: () => server.stop(),
  };
}

/**
 * One command over a fresh connection, RESP-encoded; resolves with a simple or bulk string reply and
 * rejects on an error reply (`-ERR …`), a closed connection or after timeoutMs.
 */
export function redisCommand(host: string, port: number, args: string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host, port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const done = (err: Error | undefined, value?: string) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      if (err) reject(err);
      else resolve(value ?? '');
    };
    sock.setTimeout(timeoutMs, () => done(new Error(`[redis] ${args[0]} on ${host}:${port}: no reply within ${timeoutMs}ms`)));
    sock.once('error', (err) => done(err));
    sock.once('close', () => done(new Error(`[redis] ${args[0]} on ${host}:${port}: connection closed`)));
    sock.once('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const eol = buf.indexOf('\r\n');
      if (eol < 0) return;
      const head = buf.subarray(1, eol).toString();
      const kind = String.fromCharCode(buf[0]!);
      if (kind === '+' || kind === ':') done(undefined, head);
      else if (kind === '-') done(new Error(`[redis] ${args.join(' ')}: ${head}`));
      else if (kind === '$') {
        const len = Number(head);
        if (len < 0) done(undefined, '');
        else if (buf.length >= eol + 2 + len + 2) done(undefined, buf.subarray(eol + 2, eol + 2 + len).toString());
      } else done(new Error(`[redis] ${args[0]}: unexpected reply ${JSON.stringify(buf.toString().slice(0, 80))}`));
    });
  });
}

/** A one-node Redis Cluster owned by the harness: every slot (0–16383) on one spawned redis-server. */
export interface SpawnedRedisCluster extends SpawnedRedis {
  /** The cluster bus port (`port + 10000`). */
  readonly busPort: number;
}

/**
 * Spawns a private one-node Redis Cluster: `--cluster-enabled yes` with its nodes.conf in the temp dir,
 * on a port whose bus port (+10000) is free too; assigns it all 16384 slots (`CLUSTER ADDSLOTSRANGE`,
 * Redis 7) and resolves once `CLUSTER INFO` says `cluster_state:ok` (polled, bounded). A `restart()`
 * keeps nodes.conf, so the node comes back owning its slots.
 */
export async function spawnRedisCluster(binary: string, options: RedisServerOptions = {}): Promise<SpawnedRedisCluster> {
  const server = await ServerProcess.start({
    label: 'redis-cluster',
    binary,
    port: () => freePortPair(10_000),
    args: (port, dir) => [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no',
      '--protected-mode', 'no', '--logfile', '', '--loglevel', 'warning',
      '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'),
      '--cluster-announce-ip', '127.0.0.1',
      ...persistenceArgs(options.persistence ?? 'none'), ...(options.args ?? []),
    ],
    ready: async (host, port) => {
      await waitForPing(host, port);
      // A restarted node reads its slots back from nodes.conf; a new one gets them all.
      if (/cluster_slots_assigned:0\b/.test(await redisCommand(host, port, ['CLUSTER', 'INFO']))) {
        await redisCommand(host, port, ['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
      }
      await waitUntilAnswers('redis-cluster', async (h, p) => /cluster_state:ok/.test(await redisCommand(h, p, ['CLUSTER', 'INFO']).catch(() => '')), host, port);
    },
  });
  return Object.assign(server, { url: `redis://${server.host}:${server.port}`, busPort: server.port + 10_000 });
}

/** Where a Redis Cluster for tests comes from: `REDIS_CLUSTER_URL` (one seed node), a spawned one-node cluster, or nowhere. */
export function redisClusterSource(): RedisSource {
  const url = process.env.REDIS_CLUSTER_URL;
  if (url) return { mode: 'url', url };
  const binary = findRedisServer();
  if (binary) return { mode: 'spawn', binary };
  return { mode: 'none', reason: 'no REDIS_CLUSTER_URL and no redis-server binary to start a one-node cluster (apt-get install redis-server)' };
}

/** A Redis Cluster for one test file: `host`/`port` are a seed node for `new Cluster([{ host, port }])`. */
export interface RedisClusterHandle {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** A prefix unique to this handle; put it in every key (a shared cluster is shared). */
  readonly prefix: string;
  /** The spawned one-node cluster, when the harness owns it. */
  readonly server: SpawnedRedisCluster | undefined;
  /** Stops the spawned cluster and removes its dir (no-op for an external REDIS_CLUSTER_URL). */
  stop(): Promise<void>;
}

/** Points at `REDIS_CLUSTER_URL` or spawns a one-node cluster; throws with the reason when there is neither. */
export async function startRedisCluster(options: RedisServerOptions = {}): Promise<RedisClusterHandle> {
  const source = redisClusterSource();
  const prefix = `t${process.pid}x${++handles}x${Date.now().toString(36)}`;
  if (source.mode === 'none') throw new Error(`[redis] unavailable: ${source.reason}`);
  if (source.mode === 'url') {
    const u = new URL(source.url);
    return { url: source.url, host: u.hostname, port: Number(u.port || 6379), prefix, server: undefined, stop: () => Promise.resolve() };
  }
  const server = await spawnRedisCluster(source.binary, options);
  return { url: server.url, host: server.host, port: server.port, prefix, server, stop: () => server.stop() };
}
