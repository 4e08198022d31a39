import type { Logger } from '@ody/core';
import type { ResolvedDefinition } from '../definition.js';
import { ProcessError } from '../errors.js';
import { ENV } from '../ipc/protocol.js';
import type { InstanceRef, ProcessEvents } from './events.js';
import { type ExitStatus, type Launched, launcherFor } from './launchers.js';
import { residentMemoryMb } from './memory.js';
import { type OutputSink, pipeLines } from './output.js';
import { decideRestart, NO_RESTARTS, type RestartHistory } from './restart-policy.js';

/** Where an instance is in its life. */
export const InstanceState = {
  /** Spawned, not ready yet. */
  Starting: 'starting',
  Ready: 'ready',
  /** Stop signal sent, waiting for the exit. */
  Stopping: 'stopping',
  /** Down on request (or never started). */
  Stopped: 'stopped',
  /** Exited; waiting out the backoff before it is started again. */
  Restarting: 'restarting',
  /** Crash loop: left down until start(). */
  Errored: 'errored',
  /** Exited and the restart policy keeps it down. */
  Exited: 'exited',
} as const;
/** Where an instance is in its life. */
export type InstanceState = (typeof InstanceState)[keyof typeof InstanceState];

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

/**
 * One spawned child with everything it holds (stop and memory timers, stream and exit listeners, the
 * RPC channel). `settle()` releases all of it exactly once, whichever way the child ended.
 */
class ChildRun {
  readonly startedAt = Date.now();
  killTimer: NodeJS.Timeout | undefined;
  memoryTimer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(readonly launched: Launched) {}

  /** Release timers and listeners, fail pending requests. Idempotent; returns false when already settled. */
  settle(error: Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.killTimer);
    clearInterval(this.memoryTimer);
    this.killTimer = undefined;
    this.memoryTimer = undefined;
    this.launched.rpc?.failAll(error);
    this.launched.child.removeAllListeners('message');
    return true;
  }
}

/** One supervised child: spawn, readiness, restarts with backoff, stop with SIGKILL escalation. */
export class Instance {
  state: InstanceState = InstanceState.Stopped;
  restarts = 0;
  lastExit: ExitStatus | undefined;
  private run: ChildRun | undefined;
  private history: RestartHistory = NO_RESTARTS;
  private readonly readyWaiters = new Set<ReadyWaiter>();
  private exitWaiters: Array<() => void> = [];
  private stopRequested = false;
  private respawnRequested = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly def: ResolvedDefinition,
    readonly index: number,
    private readonly host: InstanceHost,
    private readonly sink: OutputSink,
  ) {}

  /** Epoch ms the current child started; 0 when none runs. */
  get startedAt(): number {
    return this.run?.startedAt ?? 0;
  }

  /** Pid of the supervised program (for a guarded command: the command, not its shim). */
  get pid(): number | undefined {
    return this.run?.launched.pid();
  }

  /** Pid of the orphan-guard shim around a command; undefined when not guarded. */
  get supervisorPid(): number | undefined {
    return this.run?.launched.supervisorPid();
  }

  get ref(): InstanceRef {
    return { name: this.def.name, instance: this.index, pid: this.pid };
  }

  private get label(): string {
    return `${this.def.name}#${this.index}`;
  }

  /** Start (or start again after stop/errored); a running instance is left alone. */
  start(): void {
    this.stopRequested = false;
    if (this.run !== undefined) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.history = NO_RESTARTS;
    this.spawn();
  }

  private spawn(): void {
    const d = this.def;
    const env = { ...process.env, ...d.env, [ENV.name]: d.name, [ENV.instance]: String(this.index), [ENV.stopTimeoutMs]: String(d.stopTimeoutMs) };
    this.state = InstanceState.Starting;
    const launched = launcherFor(d)(
      d,
      env,
      {
        started: () => this.host.emit('started', this.ref),
        ready: () => this.markReady(run),
        message: (data) => this.host.emit('message', { ...this.ref, message: data }),
        request: (data) => this.host.handleRequest(this.ref, data),
      },
      `process '${this.label}'`,
    );
    const run = new ChildRun(launched);
    this.run = run;
    const { child } = launched;
    const prefix = `[${this.label}]`;
    const fields = { process: d.name, instance: this.index, ...(launched.supervisorPid() === undefined ? { pid: child.pid } : { supervisorPid: child.pid }) };
    pipeLines(child.stdout!, prefix, 'stdout', this.sink, fields);
    pipeLines(child.stderr!, prefix, 'stderr', this.sink, fields);
    child.once('exit', (code, signal) => this.onExit(run, { code, signal }));
    child.on('error', (error) => {
      this.host.logger?.error({ err: error, process: d.name, instance: this.index }, `${prefix} process error`);
      if (child.pid === undefined) this.onExit(run, { code: null, signal: null });
    });
    if (!launched.reportsStart) this.host.emit('started', this.ref);
    if (d.maxMemoryMb !== undefined) {
      run.memoryTimer = setInterval(() => this.checkMemory(run), d.memoryCheckIntervalMs);
      run.memoryTimer.unref();
    }
  }

  private markReady(run: ChildRun): void {
    if (run !== this.run || this.state !== InstanceState.Starting) return;
    this.state = InstanceState.Ready;
    for (const w of this.readyWaiters) w.resolve();
    this.readyWaiters.clear();
    this.host.emit('ready', this.ref);
  }

  /** Resolve once this instance is ready; reject on timeout or when it ends up stopped/errored/exited. */
  waitReady(timeoutMs = this.def.readyTimeoutMs): Promise<void> {
    if (this.state === InstanceState.Ready) return Promise.resolve();
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
          new ProcessError('ODY_PROCESS_READY_TIMEOUT', `Process '${this.label}' did not report ready within ${timeoutMs} ms (state ${this.state}). Call ctx.ready() in the child, or set waitReady: false.`, {
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

  private onExit(run: ChildRun, reported: ExitStatus): void {
    const pid = run.launched.pid();
    const { code, signal } = run.launched.exitStatus(reported);
    const ref = { name: this.def.name, instance: this.index, pid };
    const exitedError = new ProcessError('ODY_PROCESS_EXITED', `Process '${this.label}' exited (code ${code}, signal ${signal}).`, {
      details: { ...ref, code, signal },
    });
    if (!run.settle(exitedError) || run !== this.run) return;
    this.run = undefined;
    const uptimeMs = Date.now() - run.startedAt;
    this.lastExit = { code, signal };
    this.host.emit('exited', { ...ref, code, signal, uptimeMs });
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w();
    const { decision, history } = decideRestart(
      { code, signal, uptimeMs, now: Date.now(), stopRequested: this.stopRequested, respawnRequested: this.respawnRequested },
      this.def,
      this.history,
    );
    this.history = history;
    this.respawnRequested = false;
    switch (decision.action) {
      case 'stopped':
        this.state = InstanceState.Stopped;
        this.failWaiters(exitedError);
        this.host.emit('stopped', ref);
        return;
      case 'respawn':
        this.restarts++;
        this.spawn();
        return;
      case 'exited':
        if (decision.failed) this.warnUnexpected(ref, code, signal, uptimeMs);
        this.state = InstanceState.Exited;
        this.failWaiters(exitedError);
        return;
      case 'errored':
        this.warnUnexpected(ref, code, signal, uptimeMs);
        this.state = InstanceState.Errored;
        this.host.logger?.error({ ...ref, restarts: this.restarts }, `[${this.label}] crash loop: more than ${this.def.maxRestarts} restarts within ${this.def.restartWindowMs} ms; giving up`);
        this.failWaiters(
          new ProcessError('ODY_PROCESS_ERRORED', `Process '${this.label}' restarted more than ${this.def.maxRestarts} times within ${this.def.restartWindowMs} ms and was left down.`, {
            details: { ...ref, restarts: this.restarts },
          }),
        );
        this.host.emit('errored', { ...ref, restarts: this.restarts });
        return;
      case 'restart':
        if (code !== 0 || signal !== null) this.warnUnexpected(ref, code, signal, uptimeMs);
        this.state = InstanceState.Restarting;
        this.host.emit('restarting', { ...ref, delayMs: decision.delayMs, attempt: this.restarts + 1 });
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          this.restarts++;
          this.spawn();
        }, decision.delayMs);
        return;
    }
  }

  private warnUnexpected(ref: InstanceRef, code: number | null, signal: NodeJS.Signals | null, uptimeMs: number): void {
    this.host.logger?.warn({ ...ref, code, signal, uptimeMs }, `[${this.label}] exited unexpectedly (code ${code}, signal ${signal})`);
  }

  /** Stop: stopSignal, then SIGKILL after stopTimeoutMs. Resolves when the child has exited. */
  stop(): Promise<void> {
    this.stopRequested = true;
    this.respawnRequested = false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (this.run === undefined) {
      if (this.state !== InstanceState.Stopped) {
        this.state = InstanceState.Stopped;
        this.failWaiters(new ProcessError('ODY_PROCESS_EXITED', `Process '${this.label}' was stopped.`));
      }
      return Promise.resolve();
    }
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.signalStop();
    return exited;
  }

  private signalStop(): void {
    const run = this.run;
    if (run === undefined || run.killTimer !== undefined) return;
    this.state = InstanceState.Stopping;
    run.launched.child.kill(this.def.stopSignal);
    run.killTimer = setTimeout(() => {
      this.host.logger?.warn({ ...this.ref }, `[${this.label}] did not exit within ${this.def.stopTimeoutMs} ms of ${this.def.stopSignal}; sending SIGKILL`);
      run.killTimer = run.launched.kill(SHIM_GRACE_MS);
    }, this.def.stopTimeoutMs);
  }

  private checkMemory(run: ChildRun): void {
    const pid = run.launched.pid();
    const limitMb = this.def.maxMemoryMb;
    if (run !== this.run || pid === undefined || limitMb === undefined || this.state !== InstanceState.Ready) return;
    const rssMb = residentMemoryMb(pid);
    if (rssMb === undefined || rssMb <= limitMb) return;
    this.host.logger?.warn({ ...this.ref, rssMb, limitMb }, `[${this.label}] memory ${rssMb.toFixed(1)} MB over ${limitMb} MB; restarting`);
    this.host.emit('memory-exceeded', { ...this.ref, rssMb, limitMb });
    this.respawnRequested = true;
    this.signalStop();
  }

  /** Send a message to the child (ctx.onMessage); false when it has no open IPC channel. */
  send(message: unknown): boolean {
    return this.run?.launched.send(message) ?? false;
  }

  /** Ask the child (its ctx.onRequest handler). */
  request<T>(message: unknown, timeoutMs: number): Promise<T> {
    const rpc = this.run?.launched.rpc;
    if (rpc === undefined) {
      return Promise.reject(new ProcessError('ODY_PROCESS_NOT_CONNECTED', `Process '${this.label}' is ${this.state} and has no IPC channel.`, { details: { ...this.ref, state: this.state } }));
    }
    return rpc.request<T>(message, timeoutMs);
  }

  /** Current resident memory (MB), when known. */
  memoryMb(): number | undefined {
    const pid = this.pid;
    return pid === undefined ? undefined : residentMemoryMb(pid);
  }

  /** Last resort on manager exit: SIGKILL synchronously. */
  killNow(): void {
    this.stopRequested = true;
    this.run?.launched.killNow();
  }
}
