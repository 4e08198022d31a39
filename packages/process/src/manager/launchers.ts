import { type ChildProcess, fork, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedDefinition } from '../definition.js';
import { ProcessError } from '../errors.js';
import { isEnvelope } from '../ipc/protocol.js';
import { Rpc } from '../ipc/rpc.js';

/** How a child ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a launched child reports to its instance. */
export interface LaunchEvents {
  /** A guarded command runs (the shim reported its pid); other modes count as started once launched. */
  started(): void;
  /** Counted ready (ctx.ready(), or started when the definition does not wait for ready). */
  ready(): void;
  /** A ctx.send() message from a module. */
  message(data: unknown): void;
  /** A ctx.request() from a module; the result is the answer. */
  request(data: unknown): unknown;
}

/** One running child, whatever the launch mode. */
export interface Launched {
  readonly child: ChildProcess;
  /** True when `started` comes later (guarded commands); otherwise the program counts as started at once. */
  readonly reportsStart: boolean;
  /** Pid of the supervised program (a guarded command's own pid, not its shim's). */
  pid(): number | undefined;
  /** Pid of the orphan-guard shim, when there is one. */
  supervisorPid(): number | undefined;
  /** Request/response channel (modules only). */
  readonly rpc: Rpc | undefined;
  /** Send a ctx.onMessage() message; false when there is no open IPC channel. */
  send(message: unknown): boolean;
  /** The exit to report, given what the child process itself reported (a shim relays its command's). */
  exitStatus(reported: ExitStatus): ExitStatus;
  /** Stop escalation: SIGKILL the program (a shim is killed too if it lingers `graceMs`); returns a timer to clear. */
  kill(graceMs: number): NodeJS.Timeout | undefined;
  /** Manager exiting: SIGKILL synchronously. */
  killNow(): void;
}

/** Starts one child of a definition. */
export type Launcher = (def: ResolvedDefinition, env: NodeJS.ProcessEnv, events: LaunchEvents, describe: string) => Launched;

/** Send a signal to a pid that may be gone. */
export function signalPid(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** A Node module, forked with an IPC channel: ready on ctx.ready() (or on spawn), messages and requests. */
export const launchModule: Launcher = (def, env, events, describe) => {
  const child = fork(def.module!, def.args, { cwd: def.cwd, env, execArgv: def.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
  const rpc = new Rpc((e) => (child.connected ? child.send(e) : false), describe, (code, message, details) => new ProcessError(code, message, { details }));
  rpc.handler = (request) => events.request(request);
  child.on('message', (message: unknown) => {
    if (!isEnvelope(message) || rpc.receive(message)) return;
    if (message.ody === 'ready') events.ready();
    else if (message.ody === 'msg') events.message(message.data);
  });
  if (!def.waitReady) child.once('spawn', () => events.ready());
  return {
    child,
    reportsStart: false,
    rpc,
    pid: () => child.pid,
    supervisorPid: () => undefined,
    send: (message) => child.connected && child.send({ ody: 'msg', data: message }),
    exitStatus: (reported) => reported,
    kill: () => void child.kill('SIGKILL'),
    killNow: () => void child.kill('SIGKILL'),
  };
};

/** A command spawned directly: no IPC; ready once spawned (unless waitReady, which it can never satisfy). */
export const launchCommand: Launcher = (def, env, events) => {
  const child = spawn(def.command!, def.args, { cwd: def.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!def.waitReady) child.once('spawn', () => events.ready());
  return {
    child,
    reportsStart: false,
    rpc: undefined,
    pid: () => child.pid,
    supervisorPid: () => undefined,
    send: () => false,
    exitStatus: (reported) => reported,
    kill: () => void child.kill('SIGKILL'),
    killNow: () => void child.kill('SIGKILL'),
  };
};

/** The orphan-guard shim (built entry next to the bundle; the .ts source through tsx when running from src). */
function shimEntry(): { file: string; execArgv: string[] } {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { file: join(dirname(here), '..', 'runtime', 'command-shim.ts'), execArgv: ['--import', 'tsx'] };
  return { file: join(dirname(here), 'command-shim.js'), execArgv: [] };
}

type ShimMessage = { ody: 'shim-pid'; pid: number } | { ody: 'shim-exit'; code: number | null; signal: NodeJS.Signals | null };

function isShimMessage(value: unknown): value is ShimMessage {
  const ody = (value as { ody?: unknown } | null)?.ody;
  return ody === 'shim-pid' || ody === 'shim-exit';
}

/**
 * A command under the orphan-guard shim: the shim spawns it, reports its pid and exit, and stops it when
 * the manager's IPC channel closes (even when the manager is SIGKILLed).
 */
export const launchGuardedCommand: Launcher = (def, env, events) => {
  const shim = shimEntry();
  const child = fork(shim.file, [JSON.stringify({ stopSignal: def.stopSignal, stopTimeoutMs: def.stopTimeoutMs }), def.command!, ...def.args], {
    cwd: def.cwd,
    env,
    execArgv: shim.execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let commandPid: number | undefined;
  let commandExit: ExitStatus | undefined;
  child.on('message', (message: unknown) => {
    if (!isShimMessage(message)) return;
    if (message.ody === 'shim-pid') {
      commandPid = message.pid;
      events.started();
      if (!def.waitReady) events.ready();
    } else commandExit = { code: message.code, signal: message.signal };
  });
  return {
    child,
    reportsStart: true,
    rpc: undefined,
    pid: () => commandPid,
    supervisorPid: () => child.pid,
    send: () => false,
    exitStatus: (reported) => {
      // The shim relays how the command ended; if the shim itself was killed, take the command down too.
      if (commandExit !== undefined) return commandExit;
      signalPid(commandPid, 'SIGKILL');
      return reported;
    },
    kill: (graceMs) => {
      if (commandPid === undefined) {
        child.kill('SIGKILL');
        return undefined;
      }
      // Kill the command; its shim mirrors that and exits (reaping it). The shim is killed only if it lingers.
      signalPid(commandPid, 'SIGKILL');
      return setTimeout(() => child.kill('SIGKILL'), graceMs);
    },
    killNow: () => {
      signalPid(commandPid, 'SIGKILL');
      child.kill('SIGKILL');
    },
  };
};

/** The launcher for a definition's mode: module, guarded command or plain command. */
export function launcherFor(def: ResolvedDefinition): Launcher {
  if (def.module !== undefined) return launchModule;
  return def.orphanGuard ? launchGuardedCommand : launchCommand;
}
