import type { LoadedApplication } from '../app/load.js';
import { CliError } from '../errors.js';

/** Counts of one queue (the driver's `counts()`). */
export interface QueueStats {
  queue: string;
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  failed: number;
}

/** A failed job as `queue:failed list|show` prints it. */
export interface FailedRow {
  id: string;
  name: string;
  reason: string;
  attemptsMade: number;
  failedAt: string;
  error: string;
  data?: unknown;
  errors?: Array<{ attempt: number; name: string; message: string; code?: string; stack?: string }>;
}

interface FailedRecord {
  id: string;
  name: string;
  reason: string;
  attemptsMade?: number;
  failedAt: number;
  errors: Array<{ attempt: number; name: string; message: string; code?: string; stack?: string }>;
  payload?: unknown;
}

interface QueueLike {
  counts(): Promise<Omit<QueueStats, 'queue'>>;
  failed: {
    list(options?: { offset?: number; limit?: number }): Promise<FailedRecord[]>;
    get(id: string): Promise<FailedRecord | undefined>;
    retry(ids?: readonly string[]): Promise<number>;
    purge(ids?: readonly string[]): Promise<number>;
  };
}

interface QueuesLike {
  readonly driver: { readonly name: string };
  queue(name: string): QueueLike;
}

/** The app's queues (after its plugins registered); refuses the in-process memory driver. */
export function queuesOf(app: LoadedApplication): QueuesLike {
  const id = Symbol.for('@ody/queue/Queues');
  if (!app.plugins.includes('queue') || !app.has(id)) {
    throw new CliError('ODY_CLI_UNSUPPORTED', `The app has no queue plugin (plugins: ${app.plugins.join(', ') || 'none'}).`);
  }
  const queues = app.get<QueuesLike>(id);
  if (queues.driver.name === 'memory') {
    throw new CliError(
      'ODY_CLI_UNSUPPORTED',
      "The app's queue driver is 'memory': its jobs live inside the app's own process, so ody cannot see them. Use a driver other processes can reach: filesystem or Redis (queue.driver / ODY_QUEUE_DRIVER), RabbitMQ (@ody/queue-amqp) or NATS (@ody/queue-nats).",
    );
  }
  return queues;
}

/** `ody queue:stats <queue…>`. */
export async function queueStats(queues: QueuesLike, names: readonly string[]): Promise<QueueStats[]> {
  return Promise.all(names.map(async (queue) => ({ queue, ...(await queues.queue(queue).counts()) })));
}

function row(r: FailedRecord, full: boolean): FailedRow {
  const last = r.errors.at(-1);
  const out: FailedRow = {
    id: r.id,
    name: r.name,
    reason: r.reason,
    attemptsMade: r.attemptsMade ?? r.errors.length,
    failedAt: new Date(r.failedAt).toISOString(),
    error: last ? `${last.name}: ${last.message}` : '',
  };
  if (full) {
    out.data = r.payload;
    out.errors = r.errors;
  }
  return out;
}

/** What `ody queue:failed <action>` did. */
export type FailedResult =
  | { action: 'list'; queue: string; jobs: FailedRow[] }
  | { action: 'show'; queue: string; job: FailedRow }
  | { action: 'retry' | 'forget' | 'flush'; queue: string; count: number };

/** `ody queue:failed list|show|retry|forget|flush <queue> [ids…]`, the same on every cross-process driver. */
export async function failed(queues: QueuesLike, action: string, queue: string, ids: string[], options: { all?: boolean; limit?: number } = {}): Promise<FailedResult> {
  const store = queues.queue(queue).failed;
  const need = async (id: string) => {
    const job = await store.get(id);
    if (job === undefined) throw new CliError('ODY_CLI_JOB_NOT_FOUND', `No failed job '${id}' in queue '${queue}'.`, { details: { queue, id } });
    return job;
  };
  switch (action) {
    case 'list':
      return { action, queue, jobs: (await store.list({ limit: options.limit ?? 50 })).map((r) => row(r, false)) };
    case 'show':
      if (ids.length !== 1) throw new CliError('ODY_CLI_USAGE', 'queue:failed show needs exactly one job id: ody queue:failed show <queue> <id>.');
      return { action, queue, job: row(await need(ids[0] as string), true) };
    case 'retry':
      if (ids.length === 0 && options.all !== true) throw new CliError('ODY_CLI_USAGE', 'queue:failed retry needs job ids, or --all to retry every failed job.');
      for (const id of ids) await need(id);
      return { action, queue, count: await store.retry(ids.length > 0 ? ids : undefined) };
    case 'forget':
      if (ids.length === 0) throw new CliError('ODY_CLI_USAGE', 'queue:failed forget needs job ids (flush removes them all).');
      for (const id of ids) await need(id);
      return { action, queue, count: await store.purge(ids) };
    case 'flush':
      if (ids.length > 0) throw new CliError('ODY_CLI_USAGE', 'queue:failed flush takes no ids (it removes every failed job of the queue); use forget for some.');
      return { action, queue, count: await store.purge() };
    default:
      throw new CliError('ODY_CLI_USAGE', `Unknown action '${action}'; use list, show, retry, forget or flush.`);
  }
}
