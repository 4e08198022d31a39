import type { TaskHandler } from '../worker.js';
import type { RunOptions } from './options.js';

/** Names and handler types of the tasks a pool runs (what the modules' defineTasks declared). */
export type TaskMap = Record<string, TaskHandler>;
/** Payload type of task K. */
export type PayloadOf<T extends TaskMap, K extends keyof T> = Parameters<T[K]>[0];
/** Result type of task K. */
export type ResultOf<T extends TaskMap, K extends keyof T> = Awaited<ReturnType<T[K]>>;
/** One item of runAll. */
export interface TaskCall<T extends TaskMap = TaskMap, K extends keyof T & string = keyof T & string> {
  name: K;
  payload: PayloadOf<T, K>;
  options?: RunOptions;
}

