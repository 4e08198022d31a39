import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@ody/core';
import { HttpServerError } from '../errors.js';

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
  logger: Logger;
  execArgv?: string[];
  restart?: Partial<RestartPolicy>;
  /** Bound on each worker's graceful stop. */
  stopTimeoutMs?: number;
  /** Called when a slot is stopped for crash-looping. */
  onCrashLoop?: (slot: number, error: HttpServerError) => void;
}

/** One supervised worker slot. */
export interface WorkerSlotInfo {
  slot: number;
  threadId: number;
  restarts: number;
  state: 'starting' | 'ready' | 'restarting' | 'crash-loop' | 'stopped';
}

/** Handle on the running worker threads. */
export interface WorkerSupervisor {
  /** Current state of each slot. */
  slots(): WorkerSlotInfo[];
  /** Resolves when every live slot has reported ready again (after restarts). */
  whenReady(): Promise<void>;
  /** Ask every worker to stop gracefully (then terminate after the timeout). */
  stop(): Promise<void>;
}

/** `'auto'` → one per CPU; numbers as given. */
export function resolveWorkerCount(workers: number | 'auto'): number {
  return workers === 'auto' ? availableParallelism() : workers;
}

function entryFile(): { file: URL; ts: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { file: new URL('./worker-entry.ts', here), ts: true };
  return { file: new URL(here.endsWith('.cjs') ? './worker-entry.cjs' : './worker-entry.js', here), ts: false };
}

/**
 * TypeScript app modules (dev, tests): `--import tsx` in a worker's execArgv does not hook the
 * worker's own entry on Node 20, so an eval bootstrap registers tsx's ESM hooks first.
 */
function tsBootstrap(entryHref: string): string {
  const api = createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  return `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(entryHref)}); });`;
}

function moduleUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  return m.startsWith('file:') ? m : pathToFileURL(m).href;
}

interface Slot {
  info: WorkerSlotInfo;
  worker?: Worker;
  crashes: number[];
  ready?: Promise<void>;
}

/**
 * Start `count` worker threads, each importing the app-factory module and starting its own
 * Application (which listens on the shared port: uWS sets SO_REUSEPORT on Linux, so the kernel
 * spreads connections). Crashed workers restart with exponential backoff; a crash loop stops
 * restarts for that slot and is logged as an error, never crashing the main thread.
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
  const entry = entryFile();
  const ts = entry.ts || /\.[cm]?ts$/.test(module);
  const execArgv = options.execArgv ?? [];
  const script = ts ? tsBootstrap(entry.file.href) : fileURLToPath(entry.file);
  const log = options.logger;
  let stopping = false;
  const slots: Slot[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const spawn = (slot: Slot): Promise<void> => {
    slot.info.state = slot.info.restarts > 0 ? 'restarting' : 'starting';
    const worker = new Worker(script, { eval: ts, workerData: { module, slot: slot.info.slot }, execArgv });
    slot.worker = worker;
    slot.info.threadId = worker.threadId;
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: { type?: string; error?: string }) => {
        if (m?.type === 'ready') {
          slot.info.state = 'ready';
          resolve();
        } else if (m?.type === 'failed') reject(new HttpServerError('ODY_HTTP_WORKER_MODULE_INVALID', m.error ?? 'worker failed to start'));
      });
      worker.on('error', (err) => log.error({ err, slot: slot.info.slot }, 'http worker error'));
      worker.on('exit', (code) => {
        if (slot.worker !== worker) return;
        slot.worker = undefined;
        if (stopping) {
          slot.info.state = 'stopped';
          resolve();
          return;
        }
        reject(new Error(`worker exited with code ${code} before it was ready`));
        onCrash(slot, code);
      });
    });
    slot.ready = ready.catch(() => undefined);
    return ready;
  };

  const onCrash = (slot: Slot, code: number) => {
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
    log.warn({ slot: slot.info.slot, code, delayMs: delay }, 'http worker crashed; restarting');
    slot.info.state = 'restarting';
    const t = setTimeout(() => {
      timers.delete(t);
      if (stopping) return;
      slot.info.restarts++;
      spawn(slot).catch(() => undefined);
    }, delay);
    timers.add(t);
  };

  for (let i = 0; i < options.count; i++) slots.push({ info: { slot: i, threadId: 0, restarts: 0, state: 'starting' }, crashes: [] });
  try {
    await Promise.all(slots.map(spawn));
  } catch (err) {
    stopping = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all(slots.map((s) => s.worker?.terminate()));
    throw err;
  }
  log.info({ workers: options.count }, 'http workers ready');

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
      const timeout = options.stopTimeoutMs ?? 10_000;
      await Promise.all(
        slots.map(async (s) => {
          const w = s.worker;
          if (w === undefined) return;
          const exited = new Promise<void>((r) => w.once('exit', () => r()));
          w.postMessage({ type: 'stop' });
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await Promise.race([
            exited.then(() => false),
            new Promise<boolean>((r) => {
              timer = setTimeout(() => r(true), timeout + 1000);
            }),
          ]);
          clearTimeout(timer);
          if (timedOut) {
            log.error({ slot: s.info.slot }, 'http worker did not stop in time; terminating');
            w.postMessage({ type: 'exit-now' });
            await exited;
          }
          s.info.state = 'stopped';
        }),
      );
    },
  };
}
