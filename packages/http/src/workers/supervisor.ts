import { availableParallelism } from 'node:os';
import type { Logger } from '@ody/core';
import type { EngineName } from '../engine/types.js';
import { HttpServerError } from '../errors.js';
import { ConnectionDistributor } from './connections.js';
import { type Launcher, moduleUrl, type WorkerHandle } from './launch.js';
import { processLauncher } from './launch-process.js';
import { threadLauncher } from './launch-thread.js';
import { hasReusePort, type WorkerListen } from './role.js';

/** How workers run: threads of this process, or child processes (each killable on its own). */
export type WorkerMode = 'thread' | 'process';

/** Restart policy of the supervisor. */
export interface RestartPolicy {
  /** First restart delay; doubles per recent crash up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** More than this many crashes of one slot inside windowMs is a crash loop: restarts stop. */
  maxCrashes: number;
  windowMs: number;
}

/** Options of startWorkers. */
export interface WorkerOptions {
  /** App-factory module: exports `createApp` (or default) returning an Application (or a promise of one). */
  module: string | URL | undefined;
  count: number;
  /** 'thread' (default) or 'process'. */
  mode?: WorkerMode;
  logger: Logger;
  /** Extra execArgv for workers (default: what a TypeScript app module needs, i.e. tsx). */
  execArgv?: string[];
  restart?: Partial<RestartPolicy>;
  /** Bound on each worker's graceful stop. */
  stopTimeoutMs?: number;
  /** The engine the workers run (default uws). Thread mode needs uws. */
  engine?: EngineName;
  /** Where the workers serve; needed for process mode on the node engine without SO_REUSEPORT. */
  listen?: { host: string; port: number };
  /** Called when a slot is stopped for crash-looping. */
  onCrashLoop?: (slot: number, error: HttpServerError) => void;
}

/** One supervised worker slot. */
export interface WorkerSlotInfo {
  slot: number;
  /** Worker thread id ('thread' mode; 0 in 'process' mode). */
  threadId: number;
  /** Process id of the worker ('process' mode) or of this process ('thread' mode). */
  pid: number;
  restarts: number;
  state: 'starting' | 'ready' | 'restarting' | 'crash-loop' | 'stopped';
}

/** Handle on the running workers. */
export interface WorkerSupervisor {
  /** Current state of each slot. */
  slots(): WorkerSlotInfo[];
  /** Resolves when every live slot has reported ready again (after restarts). */
  whenReady(): Promise<void>;
  /** Ask every worker to stop gracefully (process mode: SIGTERM), forcing it after the timeout (SIGKILL). */
  stop(): Promise<void>;
}

/** `'auto'` → one per CPU; numbers as given. */
export function resolveWorkerCount(workers: number | 'auto'): number {
  return workers === 'auto' ? availableParallelism() : workers;
}

interface Slot {
  info: WorkerSlotInfo;
  handle?: WorkerHandle;
  crashes: number[];
  ready?: Promise<void>;
}

/**
 * Start `count` workers (threads, or child processes with `mode: 'process'`), each importing the
 * app-factory module and starting its own Application, which listens on the shared port (uWS sets
 * SO_REUSEPORT on Linux, so the kernel spreads connections). Crashed workers restart with
 * exponential backoff; a crash loop stops restarts for that slot and is logged as an error, never
 * crashing this process.
 */
export async function startWorkers(options: WorkerOptions): Promise<WorkerSupervisor> {
  if (options.module === undefined) {
    throw new HttpServerError(
      'ODY_HTTP_WORKER_MODULE_INVALID',
      'http.workers is set but httpPlugin({ workerModule }) is missing: pass the module that exports createApp.',
    );
  }
  const policy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 5000, maxCrashes: 5, windowMs: 30_000, ...options.restart };
  const module = moduleUrl(options.module);
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const onNode = options.engine === 'node';
  if (onNode && options.mode !== 'process') {
    throw new HttpServerError(
      'ODY_HTTP_ENGINE_UNAVAILABLE',
      "http.workerMode 'thread' needs the uws engine (node:http servers in worker threads cannot share a port); this server runs the node engine. Set http.workerMode to 'process', or run where the uWebSockets.js binary loads.",
      { details: { engine: 'node', workerMode: options.mode ?? 'thread' } },
    );
  }
  // Node engine in processes: SO_REUSEPORT where node has it, else the parent accepts and passes connections.
  const listenMode: WorkerListen | undefined = onNode ? (hasReusePort() ? 'reuseport' : 'parent') : undefined;
  const launch: Launcher =
    options.mode === 'process'
      ? processLauncher(module, { execArgv: options.execArgv, stopTimeoutMs, listen: listenMode })
      : threadLauncher(module, options.execArgv);
  const log = options.logger;
  let stopping = false;
  const slots: Slot[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const spawn = (slot: Slot): Promise<void> => {
    slot.info.state = slot.info.restarts > 0 ? 'restarting' : 'starting';
    let handle: WorkerHandle | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      handle = launch(slot.info.slot, {
        ready() {
          slot.info.state = 'ready';
          resolve();
        },
        failed(message) {
          reject(new HttpServerError('ODY_HTTP_WORKER_MODULE_INVALID', message));
        },
        exit(code, signal) {
          if (slot.handle !== handle) return;
          slot.handle = undefined;
          if (stopping) {
            slot.info.state = 'stopped';
            resolve();
            return;
          }
          reject(
            new HttpServerError('ODY_HTTP_WORKER_EXITED', `HTTP worker slot ${slot.info.slot} exited (code ${code}, signal ${signal}) before it was ready; see its logs.`, {
              details: { slot: slot.info.slot, code, signal },
            }),
          );
          onCrash(slot, code, signal);
        },
      });
    });
    slot.handle = handle;
    slot.info.threadId = handle!.threadId;
    slot.info.pid = handle!.pid;
    slot.ready = ready.catch(() => undefined);
    return ready;
  };

  const onCrash = (slot: Slot, code: number | null, signal: NodeJS.Signals | null) => {
    const now = Date.now();
    slot.crashes = slot.crashes.filter((t) => now - t < policy.windowMs);
    slot.crashes.push(now);
    if (slot.crashes.length > policy.maxCrashes) {
      slot.info.state = 'crash-loop';
      const err = new HttpServerError(
        'ODY_HTTP_WORKERS_CRASH_LOOP',
        `HTTP worker slot ${slot.info.slot} crashed ${slot.crashes.length} times in ${policy.windowMs} ms; not restarting it.`,
        { details: { slot: slot.info.slot, crashes: slot.crashes.length, windowMs: policy.windowMs } },
      );
      log.error({ err }, err.message);
      options.onCrashLoop?.(slot.info.slot, err);
      return;
    }
    const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (slot.crashes.length - 1));
    log.warn({ slot: slot.info.slot, code, signal, delayMs: delay }, 'http worker crashed; restarting');
    slot.info.state = 'restarting';
    const t = setTimeout(() => {
      timers.delete(t);
      if (stopping) return;
      slot.info.restarts++;
      spawn(slot).catch(() => undefined);
    }, delay);
    timers.add(t);
  };

  /** Graceful stop of one slot, forced after the timeout. */
  const stopSlot = async (s: Slot): Promise<void> => {
    const h = s.handle;
    if (h === undefined) return;
    h.stop();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      h.exited.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), stopTimeoutMs + 1000);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      log.error({ slot: s.info.slot, pid: h.pid }, 'http worker did not stop in time; killing it');
      h.kill();
      await h.exited;
    }
    s.info.state = 'stopped';
  };

  let distributor: ConnectionDistributor | undefined;
  if (listenMode === 'parent') {
    if (options.listen === undefined) throw new HttpServerError('ODY_HTTP_STATE', 'startWorkers on the node engine needs `listen` (host and port).');
    distributor = new ConnectionDistributor(() =>
      slots.filter((s) => s.info.state === 'ready' && s.handle?.sendConnection).map((s) => ({ send: (m, sock) => s.handle!.sendConnection!(m, sock) })),
    );
    await distributor.listen(options.listen.host, options.listen.port);
  }
  for (let i = 0; i < options.count; i++) {
    slots.push({ info: { slot: i, threadId: 0, pid: 0, restarts: 0, state: 'starting' }, crashes: [] });
  }
  try {
    await Promise.all(slots.map(spawn));
  } catch (err) {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all(slots.map(stopSlot));
    await distributor?.close();
    throw err;
  }
  log.info({ workers: options.count, mode: options.mode ?? 'thread', engine: options.engine ?? 'uws', listen: listenMode }, 'http workers ready');

  return {
    slots: () => slots.map((s) => ({ ...s.info })),
    async whenReady() {
      for (let i = 0; i < 200; i++) {
        const pending = slots.filter((s) => s.info.state === 'starting' || s.info.state === 'restarting');
        if (pending.length === 0) return;
        await Promise.all(pending.map((s) => s.ready));
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      await distributor?.close();
      await Promise.all(slots.map(stopSlot));
    },
  };
}
