import { createConnection } from 'node:net';
import { findBinary, ServerProcess, waitUntilAnswers } from './server-process.js';

/** Absolute path of nats-server ($NATS_SERVER_BIN or first match on PATH), or undefined. */
export function findNatsServer(): string | undefined {
  return findBinary('nats-server', 'NATS_SERVER_BIN');
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
export function waitForNats(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  return waitUntilAnswers('nats', (h, p) => natsAnswers(h, p), host, port, timeoutMs);
}

/** A nats-server with JetStream owned by the caller: 127.0.0.1, a free port, its own store dir (kept across restarts). */
export type SpawnedNats = ServerProcess & { readonly url: string };

/** Start `nats-server -js -p PORT -sd DIR` on a free port (retries on another port if the first was taken). */
export async function spawnNatsServer(binary: string): Promise<SpawnedNats> {
  const server = await ServerProcess.start({
    label: 'nats',
    binary,
    args: (port, dir) => ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir],
    ready: (host, port) => waitForNats(host, port),
  });
  return Object.assign(server, { url: `nats://${server.host}:${server.port}` });
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
  const server = await spawnNatsServer(source.binary);
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
