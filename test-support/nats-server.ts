import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './redis-server.js';

/** Absolute path of nats-server ($NATS_SERVER_BIN or first match on PATH), or undefined. */
export function findNatsServer(): string | undefined {
  const explicit = process.env.NATS_SERVER_BIN;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
  for (const file of explicit ? [explicit] : dirs.map((d) => join(d, 'nats-server'))) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** True when a NATS server greets (`INFO {…}`) on host:port within timeoutMs. */
export function natsAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port });
    let buf = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('INFO '));
    });
  });
}

/** Resolves when host:port greets like NATS; rejects after timeoutMs. */
export async function waitForNats(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await natsAnswers(host, port))) {
    if (Date.now() > deadline) throw new Error(`[nats] no INFO from ${host}:${port} within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    // A crashed test runner must not leave nats-server orphans behind.
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** A nats-server with JetStream owned by the caller: 127.0.0.1, a free port, its own store dir. */
export class SpawnedNats {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    private readonly binary: string,
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Start `nats-server -js -p PORT -sd DIR` (retries on another port if the first was taken). */
  static async start(binary: string): Promise<SpawnedNats> {
    const dir = mkdtempSync(join(tmpdir(), 'ody-nats-'));
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new SpawnedNats(binary, await freePort(), dir);
      try {
        await server.start();
        return server;
      } catch (err) {
        last = err;
        await server.stop({ kill: true, keepDir: true });
      }
    }
    rmSync(dir, { recursive: true, force: true });
    throw last;
  }

  get url(): string {
    return `nats://${this.host}:${this.port}`;
  }

  pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.binary, ['-js', '-a', this.host, '-p', String(this.port), '-sd', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log = '';
    track(child);
    const keep = (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`[nats] nats-server on port ${this.port} exited with ${code}: ${this.log.trim()}`))),
    );
    exited.catch(() => {});
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await Promise.race([waitForNats(this.host, this.port), exited]);
  }

  /** Stop it: SIGKILL with `kill` (a crash), else SIGTERM. Keeps the store dir with `keepDir`. */
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

  /** stop + start on the same port and store dir (JetStream data survives). */
  async restart(opts: { kill?: boolean } = {}): Promise<void> {
    await this.stop({ kill: opts.kill, keepDir: true });
    await this.start();
  }
}

/** Where NATS for tests comes from. */
export type NatsSource =
  | { mode: 'url'; url: string; why: string }
  | { mode: 'spawn'; binary: string }
  | { mode: 'none'; reason: string };

/** True under CI=true or ODY_REQUIRE_NATS=1: a missing NATS must fail, not skip. */
export function natsRequired(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1' || process.env.ODY_REQUIRE_NATS === '1';
}

/**
 * The server rule: NATS_URL; else 127.0.0.1:4222 when a server answers there; else the nats-server
 * binary (spawned on a free port); else none. `private` (the test kills or restarts the server)
 * always needs the binary.
 */
export async function natsSource(opts: { private?: boolean } = {}): Promise<NatsSource> {
  const binary = findNatsServer();
  if (!opts.private) {
    if (process.env.NATS_URL) return { mode: 'url', url: process.env.NATS_URL, why: 'NATS_URL' };
    if (await natsAnswers('127.0.0.1', 4222, 500)) return { mode: 'url', url: 'nats://127.0.0.1:4222', why: 'local port 4222' };
  }
  if (binary) return { mode: 'spawn', binary };
  return {
    mode: 'none',
    reason: opts.private
      ? 'this test kills or restarts the server, which needs a local nats-server binary (apt-get install nats-server)'
      : 'no NATS_URL, nothing on 127.0.0.1:4222 and no nats-server binary (apt-get install nats-server)',
  };
}

/** A NATS for one test file. */
export interface NatsHandle {
  readonly url: string;
  /** Unique per handle: use it as the driver prefix so tests sharing a server never collide. */
  readonly prefix: string;
  /** The spawned server, when the harness owns one (restartable). */
  readonly server: SpawnedNats | undefined;
  stop(): Promise<void>;
}

let handles = 0;

/** Start (or point at) NATS by the server rule; throws with the reason when there is none. */
export async function startNats(opts: { private?: boolean } = {}): Promise<NatsHandle> {
  const source = await natsSource(opts);
  const prefix = `t${process.pid}x${++handles}x${Date.now().toString(36)}`;
  if (source.mode === 'none') throw new Error(`[nats] unavailable: ${source.reason}`);
  if (source.mode === 'url') return { url: source.url, prefix, server: undefined, stop: () => Promise.resolve() };
  const server = await SpawnedNats.start(source.binary);
  return { url: server.url, prefix, server, stop: () => server.stop() };
}

/** Delete every stream (and KV bucket) named `<prefix>_…` or `KV_<prefix>_…` on the server at `url`. */
export async function deleteStreamsWithPrefix(url: string, prefix: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: url, maxReconnectAttempts: 3 });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${prefix}_`) || name.startsWith(`KV_${prefix}_`)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}
