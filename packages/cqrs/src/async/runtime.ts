import type { Logger } from '@ody/core';
import { type FailReason, type JobBackoff, type JobError, type Queue, type QueueWorkerOptions, Worker } from '@ody/queue';
import type { Buses } from '../buses/create.js';
import { AsyncCommands } from './async-commands.js';
import { MessageWorker } from './message-worker.js';
import { type AsyncRouteOptions, AsyncRouting } from './routing.js';
import { type CommandStatusEmitter, createStatusEmitter } from './status-events.js';
import type { CommandStatusStore } from './status-store.js';

/** Options of createAsyncCommands. */
export interface AsyncRuntimeOptions {
  buses: Buses;
  /** Where statuses live; pick the one matching the queue driver. */
  store: CommandStatusStore;
  /** Queues by name (`app.get(Queues)` from @ody/queue, or any `{ queue(name) }`). */
  queues: { queue(name: string): Queue };
  /** Routing table: command name → queue (or queue + retry options); overrides `@Async`. */
  routes?: Record<string, string | AsyncRouteOptions>;
  /** Defaults of async commands: attempts (3), backoff (exponential 200 ms), attempt timeout (0 = none). */
  defaults?: { attempts?: number; backoff?: number | JobBackoff; timeoutMs?: number };
  /** Queue of async event handlers that name none; default 'events'. */
  eventQueue?: string;
  /** Options of the command workers this process runs. */
  worker?: QueueWorkerOptions;
  /** Finished statuses are kept this long (ms); default 24 h. */
  retentionMs?: number;
  /** Default wait() timeout (ms); default 30 000. */
  waitTimeoutMs?: number;
  logger?: Logger;
}

/** The async side of the buses: producer (dispatch/status/wait) and, once started, the workers. */
export interface AsyncRuntime {
  readonly commands: AsyncCommands;
  readonly worker: MessageWorker;
  readonly routing: AsyncRouting;
  /**
   * Status changes this process stores: `runtime.events.on('status', (record) => …)` — the `queued`
   * record of each dispatch here and every transition made by this process's workers.
   */
  readonly events: CommandStatusEmitter;
  /** Queue names this process would work: every routed command's and async event handler's queue. */
  queueNames(): string[];
  /** Start a queue Worker per queue (default: queueNames()) and the retention sweep. */
  startWorkers(queues?: readonly string[]): Worker[];
  /** Delete finished statuses older than the retention now; returns how many. */
  prune(): Promise<number>;
  /** Close workers (in-flight jobs finish up to timeoutMs) and the sweep. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Connect the buses to @ody/queue: `commandBus.dispatch/status/wait` and async event handlers.
 * cqrsPlugin does this for you when the queue plugin is present.
 * @example
 * const runtime = createAsyncCommands({ buses, store: new MemoryStatusStore(), queues, routes: { PlaceOrder: 'orders' } });
 * runtime.startWorkers();
 */
export function createAsyncCommands(options: AsyncRuntimeOptions): AsyncRuntime {
  const { buses, store } = options;
  const routing = new AsyncRouting(buses.registry, options.routes ?? {}, {
    attempts: options.defaults?.attempts ?? 3,
    backoff: options.defaults?.backoff ?? { type: 'exponential', delayMs: 200 },
    timeoutMs: options.defaults?.timeoutMs ?? 0,
  });
  const eventQueue = options.eventQueue ?? 'events';
  const events = createStatusEmitter();
  if (options.logger !== undefined) events.setEmitterLogger(options.logger);
  const commands = new AsyncCommands({
    buses,
    store,
    routing,
    queueFor: (name) => options.queues.queue(name),
    eventQueue,
    eventRetry: { attempts: options.defaults?.attempts ?? 3, backoff: options.defaults?.backoff ?? { type: 'exponential', delayMs: 200 } },
    waitTimeoutMs: options.waitTimeoutMs,
    events,
  });
  const worker = new MessageWorker(buses, store, events);
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
  const workers: Worker[] = [];
  let sweep: NodeJS.Timeout | undefined;
  const prune = () => store.prune(Date.now() - retentionMs);

  const queueNames = () => {
    const names = new Set<string>();
    for (const name of routing.routedNames()) names.add(routing.routeOf(name)!.queue);
    for (const route of buses.eventBus.asyncRoutes()) names.add(route.queue ?? eventQueue);
    return [...names].sort();
  };

  return {
    commands,
    worker,
    routing,
    events,
    queueNames,
    prune,
    startWorkers(queues = queueNames()) {
      for (const name of queues) {
        const queue = options.queues.queue(name);
        const w = new Worker(queue, worker.handle, options.worker);
        const record = (id: string, error: JobError, reason: FailReason) =>
          worker.onJobFailed(id, error, reason).catch((err: unknown) => options.logger?.error({ err, id }, 'could not record a failed command'));
        // Every terminal path of a job ends its command: handler failures, timeouts and undecodable
        // jobs arrive as `failed`; a job failed by stall recovery (past maxStalls) arrives as `stalled`.
        w.on('failed', (_job, error, reason, id) => void record(id, error, reason));
        w.on('stalled', (id, outcome) => {
          if (outcome === 'failed') void stalledError(queue, id).then((error) => record(id, error, 'stalled'));
        });
        w.on('error', (err) => options.logger?.error({ err, queue: name }, 'command worker error'));
        workers.push(w);
      }
      if (sweep === undefined) {
        sweep = setInterval(() => {
          prune().catch((err: unknown) => options.logger?.warn({ err }, 'status retention sweep failed'));
        }, Math.min(60_000, Math.max(1_000, Math.floor(retentionMs / 2))));
        sweep.unref();
      }
      return workers.slice(-queues.length);
    },
    async close(closeOptions = {}) {
      if (sweep !== undefined) clearInterval(sweep);
      sweep = undefined;
      await Promise.all(workers.splice(0).map((w) => w.close(closeOptions)));
    },
  };
}

/** The error the queue recorded for a job failed by stall recovery (or a generic one if it cannot be read). */
async function stalledError(queue: Queue, id: string): Promise<JobError> {
  try {
    const last = (await queue.failed.get(id))?.errors.at(-1);
    if (last !== undefined) return last;
  } catch {
    // the failed store is unreadable: fall back to a plain description
  }
  return {
    attempt: 0, name: 'QueueError', code: 'ODY_QUEUE_JOB_STALLED', at: Date.now(),
    message: `Job ${id} lost its lease more times than maxStalls allows; its workers kept dying or freezing.`,
  };
}
