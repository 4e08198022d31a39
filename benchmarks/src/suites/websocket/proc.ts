// Child processes of the websocket suite: pinned (server on core 1, load generators on core 0, see
// ../../pin.ts), with `ulimit -n` raised as far as the hard limit allows (10,000 connections need more
// than the usual 1,024 descriptors), speaking a line protocol on stdin/stdout.
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pinned } from '../../pin.js';

/** Core of the server processes and of the load generators (when pinning is possible). */
export const SERVER_CPU = '1';
export const CLIENT_CPU = '0';

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Run `node [nodeArgs] --import tsx <file> args` on `cpus`, through bash so the open-file limit is
 * raised first (to 65,536, or to the hard limit where that is lower: a container may cap it even for
 * root). `exec` keeps the pid: it is the node process, whose CPU and RSS are read.
 */
export function spawnTs(file: string, args: string[], cpus: string, nodeArgs: string[] = []): ChildProcess {
  const script = fileURLToPath(new URL(file, import.meta.url));
  const [cmd, cmdArgs] = pinned(cpus, process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args]);
  const raise = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"';
  return spawn('bash', ['-c', raise, 'bash', cmd, ...cmdArgs], { stdio: ['pipe', 'pipe', 'inherit'] });
}

/** Resolves with the first stdout line matching `pred` (rejects if the process exits first). */
export function lineOf(child: ChildProcess, pred: (line: string) => boolean, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => reject(new Error(`${what}: process exited (${code})`));
    child.once('exit', onExit);
    rl.on('line', (line) => {
      if (!pred(line)) return;
      child.off('exit', onExit);
      rl.close();
      resolve(line);
    });
  });
}

/** Send a command line and resolve with the JSON of the answer line starting with `prefix `. */
export async function ask<T>(child: ChildProcess, command: string, prefix: string): Promise<T> {
  const answer = lineOf(child, (l) => l.startsWith(`${prefix} `), `${prefix}`);
  child.stdin!.write(`${command}\n`);
  return JSON.parse((await answer).slice(prefix.length + 1)) as T;
}

/** What a server reports on `stats`: its CPU so far (all threads, µs) and RSS (after a full GC with `gc`). */
export interface ServerStats {
  cpuUs: number;
  rss: number;
}

export function stats(server: ChildProcess, gc = false): Promise<ServerStats> {
  return ask<ServerStats>(server, gc ? 'stats gc' : 'stats', 'stats');
}

export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** Nearest-rank p99 of latency samples. */
export function p99Of(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]! : Number.NaN;
}
