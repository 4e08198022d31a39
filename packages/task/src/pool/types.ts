import type { TaskHandler } from '../worker.js';
import type { RunOptions } from './options.js';
import type { TaskPoolStats } from './stats.js';

/** Names and handler types of the tasks a pool runs (what the modules' defineTasks declared). */
export type TaskMap = Record<string, TaskHandler>;
/** Payload type of task K. */
export type TaskPayload<T extends TaskMap, K extends keyof T> = Parameters<T[K]>[0];
/** Result type of task K. */
export type TaskResult<T extends TaskMap, K extends keyof T> = Awaited<ReturnType<T[K]>>;
/** One item of runAll. */
export interface TaskCall<T extends TaskMap = TaskMap, K extends keyof T & string = keyof T & string> {
  name: K;
  payload: TaskPayload<T, K>;
  options?: RunOptions;
}


/**
 * A pool of worker threads running named tasks, typed by the modules' task map `T`. Build one with
 * createTaskPool, or resolve the application's with `app.get(TaskPool)`.
 */
export interface TaskPool<T extends TaskMap = TaskMap> {
  /**
   * Run a task by name; resolves with its result.
   * @example const sum = await tasks.run('add', { a: 1, b: 2 }, { priority: 5, timeoutMs: 1000 });
   */
  run<K extends keyof T & string>(name: K, payload: TaskPayload<T, K>, options?: RunOptions): Promise<TaskResult<T, K>>;
  /** Run many tasks; resolves when every one has settled, with one settled result per task, in order. */
  runAll<K extends keyof T & string>(calls: readonly TaskCall<T, K>[]): Promise<PromiseSettledResult<TaskResult<T, K>>[]>;
  /** Run a task after `delayMs`; the delay is cancelled (and the promise rejected) if the pool closes first. */
  later<K extends keyof T & string>(delayMs: number, name: K, payload: TaskPayload<T, K>, options?: RunOptions): Promise<TaskResult<T, K>>;
  /** Counters and run times right now. */
  stats(): TaskPoolStats;
  /** Thread ids alive now (for diagnostics and tests). */
  threadIds(): number[];
  /**
   * Stop: queued and delayed tasks reject with ODY_TASK_SHUTDOWN at once; running tasks get `timeoutMs`
   * (default 10 s) to finish, or until `signal` aborts, then their threads are terminated and they
   * reject with ODY_TASK_SHUTDOWN.
   */
  close(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
}
