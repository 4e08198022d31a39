import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backoff, backoffSchema, z } from '@ody/core';
import { ProcessError } from './errors.js';
import type { ProcessIpc } from './ipc/types.js';

/** When a process that exited is started again. */
export type ProcessRestartPolicy = 'always' | 'on-failure' | 'never';


/**
 * A supervised process: a Node module (forked, with IPC) or a command (spawned, no IPC). `I` types its
 * IPC messages (see processDefinition); it exists only at compile time.
 * @example
 * { name: 'queue-worker', module: new URL('./worker.js', import.meta.url), instances: 4, maxMemoryMb: 512 }
 */
export interface ProcessDefinition<I extends ProcessIpc = ProcessIpc> {
  name: string;
  /** Compile-time only: the IPC message types (never set at run time). */
  readonly ipc?: I;
  /** Node module run with fork(); gets IPC and defineProcess(). */
  module?: string | URL;
  /** Executable run with spawn(); no IPC, ready as soon as it spawned. */
  command?: string;
  args?: string[];
  /** Added to the manager's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Node flags for a module, e.g. ['--import', 'tsx']; default none. */
  execArgv?: string[];
  /** How many copies to run; default 1. */
  instances?: number;
  /** Default 'always'. */
  restart?: ProcessRestartPolicy;
  /** Delay between restarts (core's Backoff, or ms for a fixed delay); default exponential 100 ms × 2, at most 30 s. */
  backoff?: Backoff | number;
  /** The backoff starts over once an instance stayed up this long; default 10 s. */
  backoffResetAfterMs?: number;
  /** More restarts than this within restartWindowMs puts the instance in state 'errored'; default 10. */
  maxRestarts?: number;
  /** Default 60 s. */
  restartWindowMs?: number;
  /** Signal sent to stop; default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  /** SIGKILL after this long if the process has not exited; default 5 s. */
  stopTimeoutMs?: number;
  /** Restart an instance whose resident memory exceeds this (checked every memoryCheckIntervalMs, Linux /proc). */
  maxMemoryMb?: number;
  /** Default 5 s. */
  memoryCheckIntervalMs?: number;
  /** Wait for ctx.ready() (modules) before counting an instance ready; default true for modules, false for commands. */
  waitReady?: boolean;
  /** start() and rolling restarts give up waiting for ready after this; default 30 s. */
  readyTimeoutMs?: number;
  /**
   * Commands only: run the command under a tiny supervisor shim with an IPC channel, so it is stopped
   * (stopSignal, then SIGKILL after stopTimeoutMs) even when the manager is SIGKILLed. Default true;
   * false spawns the command directly (it is then orphaned if the manager is SIGKILLed).
   */
  orphanGuard?: boolean;
  /** Output: into the logger (default true) and/or appended to a file, each line prefixed `[name#i]`. */
  output?: { logger?: boolean; file?: string };
}

/**
 * A definition whose IPC messages are typed by `I`: pass it to `manager.request()`, `send()` and
 * `onMessage()` instead of its name and the messages are checked against the child's `defineProcess<I>`.
 * @example
 * export const heartbeat = processDefinition<HeartbeatIpc>({ name: 'heartbeat', module: new URL('./heartbeat.js', import.meta.url) });
 * const stats = await pm.request(heartbeat, { op: 'stats' }); // typed HeartbeatIpc['reply']
 */
export function processDefinition<I extends ProcessIpc = ProcessIpc>(definition: ProcessDefinition<I>): ProcessDefinition<I> {
  return definition;
}

/** A definition with every default filled in. */
export interface ResolvedDefinition extends Required<Omit<ProcessDefinition, 'ipc' | 'module' | 'command' | 'maxMemoryMb' | 'output' | 'backoff' | 'cwd'>> {
  module?: string;
  command?: string;
  cwd?: string;
  maxMemoryMb?: number;
  backoff: Backoff;
  output: { logger: boolean; file?: string };
}

const signal = z.string().regex(/^SIG[A-Z0-9]+$/, 'a signal name like SIGTERM');

/** Schema of one definition in config (processPlugin). */
export const processDefinitionSchema = z.object({
  name: z.string().min(1),
  module: z.union([z.string().min(1), z.instanceof(URL)]).optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  execArgv: z.array(z.string()).default([]),
  instances: z.number().int().min(0).default(1),
  restart: z.enum(['always', 'on-failure', 'never']).default('always'),
  backoff: backoffSchema.default({ type: 'exponential', delayMs: 100, factor: 2, maxDelayMs: 30_000 }),
  backoffResetAfterMs: z.number().int().min(0).default(10_000),
  maxRestarts: z.number().int().min(0).default(10),
  restartWindowMs: z.number().int().positive().default(60_000),
  stopSignal: signal.default('SIGTERM'),
  stopTimeoutMs: z.number().int().min(0).default(5_000),
  maxMemoryMb: z.number().positive().optional(),
  memoryCheckIntervalMs: z.number().int().positive().default(5_000),
  waitReady: z.boolean().optional(),
  readyTimeoutMs: z.number().int().positive().default(30_000),
  orphanGuard: z.boolean().default(true),
  output: z.object({ logger: z.boolean().default(true), file: z.string().optional() }).default({ logger: true }),
});

/** Validate a definition and fill in defaults; every problem is reported at once. */
export function resolveDefinition(definition: ProcessDefinition): ResolvedDefinition {
  const parsed = processDefinitionSchema.safeParse(definition);
  const name = (definition as { name?: unknown })?.name;
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ProcessError('ODY_PROCESS_INVALID_DEFINITION', `Process definition '${String(name)}' is invalid: ${issues.join('; ')}.`, {
      details: { name, issues },
    });
  }
  const d = parsed.data;
  if ((d.module === undefined) === (d.command === undefined)) {
    throw new ProcessError('ODY_PROCESS_INVALID_DEFINITION', `Process '${d.name}' needs exactly one of 'module' or 'command'.`, {
      details: { name: d.name },
    });
  }
  const module = d.module === undefined ? undefined : d.module instanceof URL ? fileURLToPath(d.module) : d.module.startsWith('file:') ? fileURLToPath(d.module) : d.module;
  const modulePath = module === undefined ? undefined : isAbsolute(module) ? module : resolve(d.cwd ?? process.cwd(), module);
  if (modulePath !== undefined && !existsSync(modulePath)) {
    throw new ProcessError('ODY_PROCESS_INVALID_DEFINITION', `Process '${d.name}': module ${modulePath} does not exist. Point 'module' at a built .js file (or an absolute path).`, {
      details: { name: d.name, module: modulePath },
    });
  }
  return {
    ...d,
    module: modulePath,
    stopSignal: d.stopSignal as NodeJS.Signals,
    waitReady: d.waitReady ?? module !== undefined,
    output: d.output,
  };
}
