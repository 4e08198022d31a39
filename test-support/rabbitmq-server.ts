import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { ownedEnv, reapOrphans } from './processes.js';

const run = promisify(execFile);

/** Where a test's RabbitMQ comes from (see rabbitmq-harness.ts). */
export type RabbitSource =
  | { mode: 'url'; url: string }
  | { mode: 'local'; url: string }
  | { mode: 'spawn'; binary: string }
  | { mode: 'none'; reason: string };

const BIN_DIRS = ['/usr/lib/rabbitmq/bin', '/usr/local/lib/rabbitmq/bin', '/usr/sbin', '/usr/local/sbin', '/usr/bin'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The real rabbitmq-server start script ($RABBITMQ_SERVER_BIN, else the package's own bin dir), or undefined. */
export function findRabbitServer(): string | undefined {
  const explicit = process.env.RABBITMQ_SERVER_BIN;
  if (explicit) return executable(explicit) ? explicit : undefined;
  return BIN_DIRS.map((d) => join(d, 'rabbitmq-server')).find(executable);
}

/**
 * rabbitmqctl next to a server script (a broker we started, with our own cookie), else the system's
 * (PATH first: distro wrappers switch to the broker's user and cookie).
 */
export function findRabbitCtl(server?: string): string | undefined {
  const path = (process.env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  const dirs = server ? [join(server, '..')] : [...path, '/usr/sbin', '/usr/local/sbin', ...BIN_DIRS];
  return dirs.map((d) => join(d, 'rabbitmqctl')).find(executable);
}

/** True when an AMQP 0-9-1 broker answers the protocol header on host:port (checked synchronously). */
export function amqpAnswersSync(host: string, port: number, timeoutMs = 1500): boolean {
  const script = `const s=require('net').connect(${port},${JSON.stringify(host)});s.setTimeout(${timeoutMs},()=>process.exit(1));s.on('error',()=>process.exit(1));s.on('connect',()=>s.write(Buffer.from('AMQP\\x00\\x00\\x09\\x01','latin1')));s.on('data',(d)=>process.exit(d[0]===1?0:1));`;
  return spawnSync(process.execPath, ['-e', script], { timeout: timeoutMs + 1000 }).status === 0;
}

/** True when an AMQP 0-9-1 broker answers the protocol header on host:port. */
export function amqpAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')));
    s.once('data', (d) => done(d[0] === 1));
  });
}

/** True when the suite must not skip for a missing server (CI=true or ODY_REQUIRE_RABBITMQ=1). */
export function rabbitRequired(): boolean {
  return process.env.CI === 'true' || process.env.ODY_REQUIRE_RABBITMQ === '1';
}

/** The server rule: AMQP_URL; else a broker on 127.0.0.1:5672; else a private rabbitmq-server; else none. */
export function rabbitSource(options: { private?: boolean; management?: boolean } = {}): RabbitSource {
  const binary = findRabbitServer();
  if (options.private || options.management) return binary ? { mode: 'spawn', binary } : { mode: 'none', reason: 'the test needs its own broker and no rabbitmq-server binary was found' };
  if (process.env.AMQP_URL) return { mode: 'url', url: process.env.AMQP_URL };
  if (amqpAnswersSync('127.0.0.1', 5672)) return { mode: 'local', url: 'amqp://guest:guest@127.0.0.1:5672' };
  if (binary) return { mode: 'spawn', binary };
  return { mode: 'none', reason: 'AMQP_URL is not set, nothing answers on 127.0.0.1:5672 and no rabbitmq-server binary was found' };
}

/** Options of a private broker. */
export interface SpawnOptions {
  /** Enable the rabbitmq_management plugin (HTTP API on its own free port, statistics every 100 ms). */
  management?: boolean;
}

async function httpAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/overview`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` }, signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** A rabbitmq-server owned by a test: its own node name, ports and directories under a temp dir. */
export class SpawnedRabbit {
  readonly dir = mkdtempSync(join(tmpdir(), 'ody-rabbitmq-'));
  readonly node = `ody${randomBytes(4).toString('hex')}@localhost`;
  private child: ChildProcess | undefined;

  private constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly distPort: number,
    /** Port of the management API when the plugin is enabled (see SpawnOptions.management). */
    readonly managementPort: number | undefined,
  ) {
    writeFileSync(join(this.dir, 'enabled_plugins'), managementPort === undefined ? '[].\n' : '[rabbitmq_management].\n');
    let conf = `listeners.tcp.default = ${port}\nloopback_users.guest = true\n`;
    // Queue statistics (head_message_timestamp …) every 100 ms instead of 5 s, so tests see them at once.
    if (managementPort !== undefined) conf += `management.tcp.port = ${managementPort}\nmanagement.tcp.ip = 127.0.0.1\ncollect_statistics_interval = 100\n`;
    writeFileSync(join(this.dir, 'rabbitmq.conf'), conf);
    writeFileSync(join(this.dir, 'rabbitmq-env.conf'), '');
  }

  /** Start a new private broker and wait until it answers AMQP (and its management API, when enabled), bounded by timeoutMs. */
  static async start(binary: string, timeoutMs = 90_000, options: SpawnOptions = {}): Promise<SpawnedRabbit> {
    reapOrphans();
    const server = new SpawnedRabbit(binary, await freePort(), await freePort(), options.management ? await freePort() : undefined);
    try {
      await server.boot(timeoutMs);
    } catch (err) {
      await server.stop(); // a broker that answered too late must not outlive the failed hook
      throw err;
    }
    return server;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  /** The management API (http://guest:guest@127.0.0.1:<port>) when started with `management: true`. */
  get managementUrl(): string | undefined {
    return this.managementPort === undefined ? undefined : `http://guest:guest@127.0.0.1:${this.managementPort}`;
  }

  /** Environment for rabbitmq-server and rabbitmqctl of this node. */
  env(): NodeJS.ProcessEnv {
    const d = this.dir;
    return {
      ...ownedEnv(),
      HOME: d,
      RABBITMQ_CONF_ENV_FILE: join(d, 'rabbitmq-env.conf'),
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(d, 'mnesia'),
      RABBITMQ_LOG_BASE: join(d, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(d, 'enabled_plugins'),
      RABBITMQ_PLUGINS_EXPAND_DIR: join(d, 'plugins-expand'),
      RABBITMQ_CONFIG_FILE: join(d, 'rabbitmq'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  /** Start the broker process (again) on the same node, ports and data. */
  async boot(timeoutMs = 90_000): Promise<void> {
    const child = spawn(this.binary, [], { cwd: this.dir, env: this.env(), detached: true, stdio: 'ignore' });
    this.child = child;
    process.once('exit', () => this.killGroup());
    const deadline = Date.now() + timeoutMs;
    while (!(await amqpAnswers('127.0.0.1', this.port, 500))) {
      if (child.exitCode !== null) throw new Error(`[rabbitmq] rabbitmq-server exited with ${child.exitCode}; logs in ${this.dir}/log`);
      if (Date.now() > deadline) {
        this.killGroup();
        throw new Error(`[rabbitmq] private broker did not answer on port ${this.port} within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // The management plugin may start listening a moment after AMQP.
    while (this.managementPort !== undefined && !(await httpAnswers(this.managementPort))) {
      if (Date.now() > deadline) {
        this.killGroup();
        throw new Error(`[rabbitmq] the management API of the private broker did not answer on port ${this.managementPort} within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private killGroup(): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null) return;
    try {
      process.kill(-pid, 'SIGKILL'); // the start script and the Erlang VM it runs share this group
    } catch {
      // already gone
    }
  }

  /** SIGSTOP the broker's process group and wait until every process of it is stopped: connections stay open, nothing answers. */
  async pause(): Promise<void> {
    this.signalGroup('SIGSTOP');
    const group = String(this.child!.pid);
    const running = () =>
      readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((p) => {
        try {
          // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so split after the last ')'.
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return pgrp === group && state !== 'T' && state !== 'Z';
        } catch {
          return false;
        }
      });
    const deadline = Date.now() + 5_000;
    while (running()) {
      if (Date.now() > deadline) throw new Error('[rabbitmq] the broker did not stop within 5 s of SIGSTOP');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** SIGCONT after `pause()`. */
  resume(): void {
    this.signalGroup('SIGCONT');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null) throw new Error('[rabbitmq] the private broker is not running');
    process.kill(-pid, signal);
  }

  /** SIGKILL the broker (the whole process group we started) and wait until its port is closed. */
  async kill(): Promise<void> {
    const child = this.child;
    this.killGroup();
    if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 15_000;
    while ((await amqpAnswers('127.0.0.1', this.port, 300)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  /** Run rabbitmqctl against this node. */
  async ctl(...args: string[]): Promise<string> {
    const ctl = findRabbitCtl(this.binary);
    if (!ctl) throw new Error('[rabbitmq] rabbitmqctl not found');
    const { stdout } = await run(ctl, ['-n', this.node, ...args], { env: this.env(), timeout: 60_000 });
    return stdout;
  }

  /** Kill the broker and remove its directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
