import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';
import { DISPATCH_STRIDE, type ThreadData } from '../protocol.js';
import type { TaskRecord } from './task-record.js';

/** File a thread runs: the built entry next to the bundle, or a tsx shim when running from src. */
function entryFile(): string {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return join(dirname(here), '..', 'runtime', 'worker-main-dev.mjs');
  return join(dirname(here), 'worker-main.js');
}

/** What a thread reports to its pool. */
export interface ThreadEvents {
  onMessage(thread: Thread, message: unknown): void;
  onExit(thread: Thread, code: number, error: Error | undefined): void;
}

/** Options every thread is created with. */
export interface ThreadOptions {
  modules: string[];
  resourceLimits?: ResourceLimits;
  env?: Record<string, string | undefined>;
}

/** One worker thread and the tasks it holds. */
export class Thread {
  readonly worker: Worker;
  /** worker.threadId, kept because it reads -1 once the thread has exited. */
  readonly id: number;
  readonly inflight = new Map<number, TaskRecord>();
  /** Id of the task the thread is running (written by the thread; read after it dies). */
  readonly current = new Int32Array(new SharedArrayBuffer(4));
  ready = false;
  /** Running a task that must not share the thread. */
  exclusive = false;
  /** The pool killed it on purpose (timeout, abort, reaping, shutdown). */
  retiring = false;
  idleSince = Date.now();
  lastError: Error | undefined;
  startFailed = false;
  /** Last dispatch pass that handed this thread a batch. */
  servedIn = 0;

  constructor(options: ThreadOptions, events: ThreadEvents) {
    const workerData: ThreadData = { odyTask: { modules: options.modules, current: this.current } };
    this.worker = new Worker(entryFile(), {
      workerData,
      resourceLimits: options.resourceLimits,
      env: options.env ?? process.env,
      // Threads inherit the process's flags, but `--input-type` (from `node --input-type=module -e …`)
      // only applies to string input and makes every thread fail to start.
      execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
      stdout: false,
      stderr: false,
    });
    this.id = this.worker.threadId;
    this.worker.on('message', (message: unknown) => events.onMessage(this, message));
    this.worker.on('error', (error: Error) => {
      this.lastError = error;
    });
    this.worker.on('exit', (code: number) => events.onExit(this, code, this.lastError));
  }

  /** Hand a batch of tasks (already marked running on this thread) to the thread in one message. */
  send(records: TaskRecord[]): void {
    const batch = new Array(records.length * DISPATCH_STRIDE);
    let transfer: TransferListItem[] | undefined;
    for (let i = 0, j = 0; i < records.length; i++, j += DISPATCH_STRIDE) {
      const r = records[i]!;
      this.inflight.set(r.id, r);
      batch[j] = r.id;
      batch[j + 1] = r.name;
      batch[j + 2] = r.payload;
      batch[j + 3] = r.headers;
      if (r.transferList !== undefined) {
        transfer ??= [];
        transfer.push(...r.transferList);
      }
    }
    this.worker.postMessage(batch, transfer);
  }

  /** Stop the thread on purpose; its exit is then not a crash. */
  retire(): Promise<number> {
    this.retiring = true;
    return this.worker.terminate();
  }
}
