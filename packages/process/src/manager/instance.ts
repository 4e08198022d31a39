import { type ChildProcess, fork, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@ody/core';
import type { ResolvedDefinition } from '../definition.js';
import { ProcessError } from '../errors.js';
import { ENV, isEnvelope } from '../ipc/protocol.js';
import { Rpc } from '../ipc/rpc.js';
import type { InstanceRef, ProcessEvents } from './events.js';
import { residentMemoryMb } from './memory.js';
import { type OutputSink, pipeLines } from './output.js';
import { RestartTracker } from './restart-tracker.js';

/** Where an instance is in its life. */
export type InstanceState = 'starting' | 'ready' | 'stopping' | 'stopped' | 'restarting' | 'errored' | 'exited';

/** The orphan-guard shim (built entry next to the bundle; the .ts source through tsx when running from src). */
function shimEntry(): { file: string; execArgv: string[] } {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { file: join(dirname(here), '..', 'runtime', 'command-shim.ts'), execArgv: ['--import', 'tsx'] };
  return { file: join(dirname(here), 'command-shim.js'), execArgv: [] };
}

/** Send a signal to a pid that may be gone. */
function signalPid(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** How long a shim gets to exit after its command was SIGKILLed before it is SIGKILLed too. */
const SHIM_GRACE_MS = 2_000;

/** What an instance needs from its manager. */
export interface InstanceHost {
  emit<K extends keyof ProcessEvents>(event: K, payload: ProcessEvents[K]): void;
  handleRequest(from: InstanceRef, request: unknown): unknown;
  logger: Logger | undefined;
}

interface ReadyWaiter {
  resolve(): void;
  reject(error: Error): void;
}

/** One supervised child: spawn, readiness, restarts with backoff, stop with SIGKILL escalation. */
export class Instance {
  state: InstanceState = 'stopped';
  restarts = 0;
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  startedAt = 0;
  private child: ChildProcess | undefined;
  /** Orphan guard: the command's pid (reported by the shim) and how it exited. */
  private commandPid: number | undefined;
  private commandExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private rpc: Rpc | undefined;
  private readonly tracker: RestartTracker;
  private readonly readyWaiters = new Set<ReadyWaiter>();
  private exitWaiters: Array<() => void> = [];
  private stopRequested = false;
  private restartAfterExit = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private memoryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly def: ResolvedDefinition,
    readonly index: number,
    private readonly host: InstanceHost,
    private readonly sink: OutputSink,
  ) {
    this.tracker = new RestartTracker(def.backoff, def.maxRestarts, def.restartWindowMs);
  }

  /** Pid of the supervised program (for a guarded command: the command, not its shim). */
  get pid(): number | undefined {
    if (this.child === undefined) return undefined;
    return this.guarded ? this.commandPid : this.child.pid;
  }

  /** Pid of the orphan-guard shim around a command; undefined when not guarded. */
  get supervisorPid(): number | undefined {
    return this.guarded ? this.child?.pid : undefined;
  }

  private get guarded(): boolean {
    return this.def.command !== undefined && this.def.orphanGuard;
  }

  get ref(): InstanceRef {
    return { name: this.def.name, instance: this.index, pid: this.pid };
  }

  /** Start (or start again after stop/errored); a running instance is left alone. */
  start(): void {
    this.stopRequested = false;
    if (this.child !== undefined) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.tracker.reset();
    this.spawn();
  }

  private spawn(): void {
    const d = this.def;
    const env = { ...process.env, ...d.env, [ENV.name]: d.name, [ENV.instance]: String(this.index), [ENV.stopTimeoutMs]: String(d.stopTimeoutMs) };
    const shim = this.guarded ? shimEntry() : undefined;
    const child =
      d.module !== undefined
        ? fork(d.module, d.args, { cwd: d.cwd, env, execArgv: d.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' })
        : shim !== undefined
          ? fork(shim.file, [JSON.stringify({ stopSignal: d.stopSignal, stopTimeoutMs: d.stopTimeoutMs }), d.command!, ...d.args], {
              cwd: d.cwd,
              env,
              execArgv: shim.execArgv,
              stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
            })
          : spawn(d.command!, d.args, { cwd: d.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.commandPid = undefined;
    this.commandExit = undefined;
    this.state = 'starting';
    this.startedAt = Date.now();
    const prefix = `[${d.name}#${this.index}]`;
    const fields = { process: d.name, instance: this.index, ...(shim === undefined ? { pid: child.pid } : { supervisorPid: child.pid }) };
    pipeLines(child.stdout!, prefix, 'stdout', this.sink, fields);
    pipeLines(child.stderr!, prefix, 'stderr', this.sink, fields);
    let exited = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      this.onExit(child, code, signal);
    };
    child.once('exit', onExit);
    child.on('error', (error) => {
      this.host.logger?.error({ err: error, process: d.name, instance: this.index }, `${prefix} process error`);
      if (child.pid === undefined) onExit(null, null);
    });
    if (d.module !== undefined) {
      const rpc = new Rpc((e) => (child.connected ? child.send(e) : false), `process '${d.name}#${this.index}'`, (code, message, details) => new ProcessError(code, message, { details }));
      rpc.handler = (request) => this.host.handleRequest(this.ref, request);
      this.rpc = rpc;
      child.on('message', (message: unknown) => {
        if (!isEnvelope(message) || rpc.receive(message)) return;
        if (message.ody === 'ready') this.markReady();
        else if (message.ody === 'msg') this.host.emit('message', { ...this.ref, message: message.data });
      });
    }
    if (shim !== undefined) {
      child.on('message', (message: unknown) => {
        if (!isShimMessage(message)) return;
        if (message.ody === 'shim-pid') {
          this.commandPid = message.pid;
          this.host.emit('started', this.ref);
          if (!d.waitReady) this.markReady();
        } else this.commandExit = { code: message.code, signal: message.signal };
      });
    } else if (!d.waitReady) child.once('spawn', () => this.markReady());
    if (d.maxMemoryMb !== undefined) {
      this.memoryTimer = setInterval(() => this.checkMemory(), d.memoryCheckIntervalMs);
      this.memoryTimer.unref();
    }
    if (shim === undefined) this.host.emit('started', this.ref);
  }

  private markReady(): void {
    if (this.state !== 'starting') return;
    this.state = 'ready';
    for (const w of this.readyWaiters) w.resolve();
    this.readyWaiters.clear();
    this.host.emit('ready', this.ref);
  }

  /** Resolve once this instance is ready; reject on timeout or when it ends up stopped/errored/exited. */
  waitReady(timeoutMs = this.def.readyTimeoutMs): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: ReadyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(waiter);
        reject(
          new ProcessError('ODY_PROCESS_READY_TIMEOUT', `Process '${this.def.name}#${this.index}' did not report ready within ${timeoutMs} ms (state ${this.state}). Call ctx.ready() in the child, or set waitReady: false.`, {
            details: { name: this.def.name, instance: this.index, timeoutMs, state: this.state },
          }),
        );
      }, timeoutMs);
      this.readyWaiters.add(waiter);
    });
  }

  private failWaiters(error: Error): void {
    for (const w of this.readyWaiters) w.reject(error);
    this.readyWaiters.clear();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    const commandPid = this.guarded ? this.commandPid : child.pid;
    if (this.guarded) {
      // The shim reports how the command ended; if the shim itself was killed, take the command down too.
      if (this.commandExit !== undefined) ({ code, signal } = this.commandExit);
      else signalPid(commandPid, 'SIGKILL');
    }
    this.child = undefined;
    clearInterval(this.memoryTimer);
    clearTimeout(this.killTimer);
    this.killTimer = undefined;
    const uptimeMs = Date.now() - this.startedAt;
    this.lastExit = { code, signal };
    const ref = { name: this.def.name, instance: this.index, pid: commandPid };
    const exitedError = new ProcessError('ODY_PROCESS_EXITED', `Process '${this.def.name}#${this.index}' exited (code ${code}, signal ${signal}).`, {
      details: { ...ref, code, signal },
    });
    this.rpc?.failAll(exitedError);
    this.rpc = undefined;
    this.host.emit('exited', { ...ref, code, signal, uptimeMs });
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w();
    if (this.stopRequested) {
      this.state = 'stopped';
      this.failWaiters(exitedError);
      this.host.emit('stopped', ref);
      return;
    }
    if (this.restartAfterExit) {
      this.restartAfterExit = false;
      this.restarts++;
      this.spawn();
      return;
    }
    const failed = code !== 0 || signal !== null;
    if (failed) this.host.logger?.warn({ ...ref, code, signal, uptimeMs }, `[${this.def.name}#${this.index}] exited unexpectedly (code ${code}, signal ${signal})`);
    if (this.def.restart === 'never' || (this.def.restart === 'on-failure' && !failed)) {
      this.state = 'exited';
      this.failWaiters(exitedError);
      return;
    }
    const delayMs = this.tracker.next(uptimeMs);
    if (delayMs === undefined) {
      this.state = 'errored';
      this.host.logger?.error({ ...ref, restarts: this.restarts }, `[${this.def.name}#${this.index}] crash loop: more than ${this.def.maxRestarts} restarts within ${this.def.restartWindowMs} ms; giving up`);
      this.failWaiters(new ProcessError('ODY_PROCESS_ERRORED', `Process '${this.def.name}#${this.index}' restarted more than ${this.def.maxRestarts} times within ${this.def.restartWindowMs} ms and was left down.`, { details: { ...ref, restarts: this.restarts } }));
      this.host.emit('errored', { ...ref, restarts: this.restarts });
      return;
    }
    this.state = 'restarting';
    this.host.emit('restarting', { ...ref, delayMs, attempt: this.restarts + 1 });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarts++;
      this.spawn();
    }, delayMs);
  }

  /** Stop: stopSignal, then SIGKILL after stopTimeoutMs. Resolves when the child has exited. */
  stop(): Promise<void> {
    this.stopRequested = true;
    this.restartAfterExit = false;
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
    if (this.child === undefined) {
      if (this.state !== 'stopped') {
        this.state = 'stopped';
        this.failWaiters(new ProcessError('ODY_PROCESS_EXITED', `Process '${this.def.name}#${this.index}' was stopped.`));
      }
      return Promise.resolve();
    }
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.signalStop();
    return exited;
  }

  private signalStop(): void {
    const child = this.child;
    if (child === undefined || this.killTimer !== undefined) return;
    this.state = 'stopping';
    child.kill(this.def.stopSignal);
    this.killTimer = setTimeout(() => {
      this.host.logger?.warn({ ...this.ref }, `[${this.def.name}#${this.index}] did not exit within ${this.def.stopTimeoutMs} ms of ${this.def.stopSignal}; sending SIGKILL`);
      if (this.guarded && this.commandPid !== undefined) {
        // Kill the command; its shim mirrors that and exits (reaping it). The shim is killed only if it lingers.
        signalPid(this.commandPid, 'SIGKILL');
        this.killTimer = setTimeout(() => child.kill('SIGKILL'), SHIM_GRACE_MS);
      } else child.kill('SIGKILL');
    }, this.def.stopTimeoutMs);
  }

  private checkMemory(): void {
    const pid = this.pid;
    const limitMb = this.def.maxMemoryMb;
    if (pid === undefined || limitMb === undefined || this.state !== 'ready') return;
    const rssMb = residentMemoryMb(pid);
    if (rssMb === undefined || rssMb <= limitMb) return;
    this.host.logger?.warn({ ...this.ref, rssMb, limitMb }, `[${this.def.name}#${this.index}] memory ${rssMb.toFixed(1)} MB over ${limitMb} MB; restarting`);
    this.host.emit('memory-exceeded', { ...this.ref, rssMb, limitMb });
    this.restartAfterExit = true;
    this.signalStop();
  }

  /** Send a message to the child (ctx.onMessage); false when it has no open IPC channel. */
  send(message: unknown): boolean {
    const child = this.child;
    if (child === undefined || !child.connected || this.def.command !== undefined) return false;
    return child.send({ ody: 'msg', data: message });
  }

  /** Ask the child (its ctx.onRequest handler). */
  request<T>(message: unknown, timeoutMs: number): Promise<T> {
    if (this.rpc === undefined) {
      return Promise.reject(new ProcessError('ODY_PROCESS_NOT_CONNECTED', `Process '${this.def.name}#${this.index}' is ${this.state} and has no IPC channel.`, { details: { ...this.ref, state: this.state } }));
    }
    return this.rpc.request<T>(message, timeoutMs);
  }

  /** Current resident memory (MB), when known. */
  memoryMb(): number | undefined {
    return this.pid === undefined ? undefined : residentMemoryMb(this.pid);
  }

  /** Last resort on manager exit: SIGKILL synchronously. */
  killNow(): void {
    this.stopRequested = true;
    if (this.guarded && this.child !== undefined) signalPid(this.commandPid, 'SIGKILL');
    this.child?.kill('SIGKILL');
  }
}

type ShimMessage = { ody: 'shim-pid'; pid: number } | { ody: 'shim-exit'; code: number | null; signal: NodeJS.Signals | null };

function isShimMessage(value: unknown): value is ShimMessage {
  const ody = (value as { ody?: unknown } | null)?.ody;
  return ody === 'shim-pid' || ody === 'shim-exit';
}
