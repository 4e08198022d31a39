/**
 * One way to own a server process in tests (redis-server, nats-server): find the binary, spawn it on
 * 127.0.0.1 and a free port with its own temp dir, wait until it answers, stop/kill/restart it, and
 * never leave orphans behind when the test runner exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './ports.js';
import { ownedEnv, reapOrphans } from './processes.js';

export { freePort };

/** Absolute path of `name` ($<envVar> when set, else the first executable on PATH or `extraDirs`), or undefined. */
export function findBinary(name: string, envVar: string, extraDirs: string[] = ['/usr/sbin', '/usr/bin', '/usr/local/bin']): string | undefined {
  const explicit = process.env[envVar];
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d.length > 0), ...extraDirs];
  for (const file of explicit ? [explicit] : dirs.map((d) => join(d, name))) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    // A crashed test runner must not leave server orphans behind.
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** What a server process needs: how to start it on a port and dir, and how to tell it answers. */
export interface ServerSpec {
  /** Short name for errors, e.g. `redis`. */
  readonly label: string;
  readonly binary: string;
  args(port: number, dir: string): string[];
  /** Resolves once 127.0.0.1:port answers like this server; rejects after a bounded wait. */
  ready(host: string, port: number): Promise<void>;
  /** Picks the port (default `freePort()`), e.g. one whose companion port is free too. */
  port?(): Promise<number>;
}

/** A server process owned by a test, on 127.0.0.1, a port and a temp dir that survive `restart()`. */
export class ServerProcess {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    private readonly spec: ServerSpec,
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Start on a free port in a new temp dir; retries on another port when the first was taken. */
  static async start(spec: ServerSpec): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), `ody-${spec.label}-`));
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new ServerProcess(spec, await (spec.port ?? freePort)(), dir);
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

  /** Pid of the current process (changes on restart). */
  pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start the process (again) on the same port and dir; resolves when it answers. */
  async start(): Promise<void> {
    if (this.child) return;
    reapOrphans();
    const child = spawn(this.spec.binary, this.spec.args(this.port, this.dir), { stdio: ['ignore', 'pipe', 'pipe'], env: ownedEnv() });
    this.child = child;
    this.log = '';
    track(child);
    const keep = (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`[${this.spec.label}] server on port ${this.port} exited with ${code}: ${this.log.trim()}`))),
    );
    exited.catch(() => {});
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await Promise.race([this.spec.ready(this.host, this.port), exited]);
  }

  /** Stop it: SIGKILL with `kill` (a crash), else SIGTERM (SIGKILL after 5 s). Keeps the dir with `keepDir`. */
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

  /** stop + start on the same port and dir; `downMs` keeps it down that long (a measured outage, not a gate). */
  async restart(opts: { kill?: boolean; downMs?: number } = {}): Promise<void> {
    await this.stop({ kill: opts.kill, keepDir: true });
    if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
    await this.start();
  }
}

/** Polls `probe(host, port)` until it answers true; rejects naming `label` after timeoutMs. */
export async function waitUntilAnswers(label: string, probe: (host: string, port: number) => Promise<boolean>, host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe(host, port))) {
    if (Date.now() > deadline) throw new Error(`[${label}] ${host}:${port} did not answer within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
