import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

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
  const explicit = process.env.REDIS_SERVER_BIN;
  const candidates = explicit
    ? [explicit]
    : [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'].map((d) =>
        join(d, 'redis-server'),
      );
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when `PING` on host:port answers `+PONG`, rejects after timeoutMs. */
export async function waitForPing(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(host, port)) return;
    if (Date.now() > deadline) throw new Error(`[redis] no PONG from ${host}:${port} within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
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

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A crashed test runner must not leave redis-server orphans behind.
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

function persistenceArgs(p: RedisPersistence): string[] {
  if (p === 'aof') return ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
  if (p === 'rdb') return ['--appendonly', 'no', '--save', '3600 1'];
  return ['--appendonly', 'no', '--save', ''];
}

/** Spawns redis-server on a free loopback port with its own temp dir; retries if the port was taken. */
export async function spawnRedisServer(binary: string, options: RedisServerOptions = {}): Promise<SpawnedRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'ody-redis-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const server = new RedisProcess(binary, port, dir, options);
    try {
      await server.start();
      return server;
    } catch (err) {
      lastError = err;
      await server.stop({ kill: true, keepDir: true });
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

class RedisProcess implements SpawnedRedis {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;
  private log = '';

  constructor(
    private readonly binary: string,
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const args = [
      '--port', String(this.port), '--bind', this.host, '--dir', this.dir, '--daemonize', 'no',
      '--protected-mode', 'no', '--logfile', '', '--loglevel', 'warning', '--databases', '16',
      ...persistenceArgs(this.options.persistence ?? 'none'), ...(this.options.args ?? []),
    ];
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log = '';
    trackChild(child);
    const keep = (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`[redis] redis-server on port ${this.port} exited with ${code}: ${this.log.trim()}`)),
      ),
    );
    exited.catch(() => {});
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await Promise.race([waitForPing(this.host, this.port), exited]);
  }

  async stop(opts: { kill?: boolean; keepDir?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(opts.kill ? 'SIGKILL' : 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    this.child = undefined;
    if (!opts.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }

  async restart(opts: { kill?: boolean; downMs?: number } = {}): Promise<void> {
    await this.stop({ kill: opts.kill, keepDir: true });
    if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
    await this.start();
  }
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

/** Picks the Redis source: redis-server binary first, then REDIS_URL. `restartable` needs the binary. */
export function redisSource(opts: { restartable?: boolean } = {}): RedisSource {
  const binary = findRedisServer();
  if (binary) return { mode: 'spawn', binary };
  const url = process.env.REDIS_URL;
  if (url && !opts.restartable) return { mode: 'url', url };
  if (url) return { mode: 'none', reason: 'this test restarts Redis, which needs a local redis-server binary (REDIS_URL is external)' };
  return { mode: 'none', reason: 'no redis-server binary on PATH and no REDIS_URL (apt-get install redis-server)' };
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
export async function startRedis(opts: RedisServerOptions & { restartable?: boolean } = {}): Promise<RedisHandle> {
  const source = redisSource(opts);
  const prefix = `t${process.pid}x${++handles}`;
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
      restart: () => Promise.reject(new Error('[redis] cannot restart an external REDIS_URL server')),
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
