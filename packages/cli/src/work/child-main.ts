import { type LoadedApplication, loadApp, registerOnly } from '../app/load.js';
import { findProject } from '../project.js';

/** What the parent `ody queue:work` hands each worker process (as its first argument, JSON). */
export interface WorkSpec {
  root: string;
  app: string;
  queues: string[];
  concurrency?: number;
}

/** What a worker process tells the parent once it runs. */
export type WorkMessage = { type: 'working'; queues: string[] } | { type: 'unhandled'; queues: string[]; handled: string[] };

interface QueuesLike {
  process(ref: string | { name: string }, handler: unknown, options?: Record<string, unknown>): void;
}

interface AsyncRuntimeLike {
  queueNames(): string[];
  startWorkers(queues?: string[]): unknown[];
}

const QUEUES = Symbol.for('@ody/queue/Queues');
const ASYNC_RUNTIME = Symbol.for('@ody/cqrs/AsyncRuntime');

/**
 * Make `queues.process()` of the app's @ody/queue start workers only for `wanted` (with `concurrency`),
 * and record every queue the app asks for. @ody/queue has no filter option, so ody patches the
 * prototype, found through a throwaway register-only copy of the app.
 */
async function filterQueueWorkers(app: LoadedApplication, wanted: ReadonlySet<string>, concurrency: number | undefined, seen: Set<string>): Promise<void> {
  const release = await registerOnly(app);
  try {
    if (!app.has(QUEUES)) return;
    const queues = app.get<QueuesLike & { driver: { close(): Promise<void> } }>(QUEUES);
    const proto = Object.getPrototypeOf(queues) as QueuesLike;
    const original = proto.process;
    proto.process = function (this: QueuesLike, ref, handler, options) {
      const name = typeof ref === 'string' ? ref : ref.name;
      seen.add(name);
      if (!wanted.has(name)) return;
      original.call(this, ref, handler, concurrency === undefined ? options : { ...options, concurrency });
    };
    await queues.driver.close();
  } finally {
    await release();
  }
}

/** An app ody started with only the queue workers it asked for. */
export interface StartedApp {
  app: LoadedApplication;
  /** Every queue the app has a worker for (its `queues.process()` calls and routed cqrs queues). */
  handled: Set<string>;
  stop(): Promise<void>;
}

/**
 * Start the app with only the workers of `queues` (its own `queues.process()` workers and @ody/cqrs
 * command/event workers; none when empty). HTTP, if the app has it, listens on 127.0.0.1:0.
 */
export async function startWithQueues(root: string, file: string | undefined, queues: readonly string[], concurrency?: number): Promise<StartedApp> {
  const project = findProject(root);
  const wanted = new Set(queues);
  const seen = new Set<string>();
  const quiet = { ODY_APP_LOG_LEVEL: 'warn' };
  const envFor = (a: LoadedApplication): Record<string, string> => ({
    ...(a.plugins.includes('http') ? { ODY_HTTP_PORT: '0', ODY_HTTP_HOST: '127.0.0.1' } : {}),
    ...(a.plugins.includes('cqrs') ? { ODY_CQRS_WORKER_ENABLED: 'false', ...(concurrency ? { ODY_CQRS_WORKER_CONCURRENCY: String(concurrency) } : {}) } : {}),
  });
  const probe = await loadApp(project, file, quiet, envFor);
  await filterQueueWorkers(probe.app, wanted, concurrency, seen);
  seen.clear();
  const { app } = await loadApp(project, file, quiet, envFor);
  await app.start();
  if (app.has(ASYNC_RUNTIME)) {
    const runtime = app.get<AsyncRuntimeLike>(ASYNC_RUNTIME);
    const names = runtime.queueNames();
    for (const name of names) seen.add(name);
    const mine = names.filter((n) => wanted.has(n));
    if (mine.length > 0) runtime.startWorkers(mine);
  }
  return { app, handled: seen, stop: () => app.stop() };
}

/** Start the app in a worker process of `ody queue:work` and say what it works. */
export async function startWorking(spec: WorkSpec): Promise<{ message: WorkMessage; stop: () => Promise<void> }> {
  const { handled, stop } = await startWithQueues(spec.root, spec.app, spec.queues, spec.concurrency);
  const missing = spec.queues.filter((q) => !handled.has(q));
  const message: WorkMessage = missing.length > 0 ? { type: 'unhandled', queues: missing, handled: [...handled].sort() } : { type: 'working', queues: spec.queues };
  return { message, stop };
}
