import type { CommandRecord, CommandState } from '@ody/cqrs';
import type { ProcessStatus } from '@ody/process';
import type { JobCounts, JobError, Queue } from '@ody/queue';
import type { TaskPoolStats } from '@ody/task';

/** A failed job as the dashboard shows it: the last error (with stack) and every attempt's message. */
export interface FailedJobView {
  id: string;
  name: string;
  queue: string;
  attemptsMade: number;
  reason: string;
  failedAt: number;
  error: Pick<JobError, 'name' | 'message' | 'code' | 'stack'> | undefined;
  /** Messages of earlier attempts, oldest first. */
  history: string[];
}

/** One queue: counts by state and the first failed jobs. */
export interface QueueView {
  name: string;
  counts: JobCounts;
  failed: FailedJobView[];
}

/** Async commands seen by this process (dispatched here or run by its workers), newest first. */
export interface CommandsView {
  counts: Record<CommandState, number>;
  recent: CommandRecord[];
}

/** The app's moving parts, each present when its plugin is in the app. */
export interface RuntimeView {
  /** Supervised processes (`@ody/process`): state, restarts, uptime, memory. */
  processes?: ProcessStatus[];
  /** The worker-thread pool (`@ody/task`). */
  tasks?: TaskPoolStats;
  /**
   * The app's WebSocket server (`@ody/websocket`): open connections across workers and nodes, and for
   * this server the distinct channels subscribed, messages in / frames out since start, slow consumers.
   */
  websocket?: { connections: number; channels?: number; messagesIn?: number; messagesOut?: number; slowConsumers?: number };
}

/** Everything the page renders; pushed as event `snapshot` on the dashboard's channel. */
export interface DashboardSnapshot {
  at: number;
  queues: QueueView[];
  commands: CommandsView | undefined;
  runtime: RuntimeView;
}

/** Read one queue: counts and up to `failedLimit` failed jobs. */
export async function readQueue(queue: Queue, failedLimit: number): Promise<QueueView> {
  const [counts, failed] = await Promise.all([queue.counts(), queue.failed.list({ limit: failedLimit })]);
  return {
    name: queue.name,
    counts,
    failed: failed.map((job) => {
      const last = job.errors.at(-1);
      return {
        id: job.id,
        name: job.name,
        queue: queue.name,
        attemptsMade: job.attemptsMade,
        reason: job.reason,
        failedAt: job.failedAt,
        error: last === undefined ? undefined : { name: last.name, message: last.message, ...(last.code ? { code: last.code } : {}), ...(last.stack ? { stack: last.stack } : {}) },
        history: job.errors.slice(0, -1).map((e) => `#${e.attempt} ${e.message}`),
      };
    }),
  };
}

/** The last `limit` commands by id, as their status events arrive (a bounded, insertion-ordered map). */
export class RecentCommands {
  private readonly byId = new Map<string, CommandRecord>();

  constructor(private readonly limit: number) {}

  /** Keep the newer record of a command (a late event never replaces a newer one). */
  add(record: CommandRecord): void {
    const known = this.byId.get(record.id);
    if (known !== undefined && known.updatedAt > record.updatedAt) return;
    this.byId.delete(record.id);
    this.byId.set(record.id, record);
    if (this.byId.size > this.limit) this.byId.delete(this.byId.keys().next().value as string);
  }

  view(): CommandsView {
    const counts: Record<CommandState, number> = { queued: 0, running: 0, succeeded: 0, failed: 0 };
    for (const r of this.byId.values()) counts[r.state]++;
    return { counts, recent: [...this.byId.values()].reverse() };
  }
}
