import { type Token, token } from '@ody/core';
import type { TaskMap, TaskPool as TaskPoolApi } from './pool/types.js';
import type { TaskModule } from './worker.js';

/** A pool of worker threads running named tasks (see createTaskPool); the interface of `app.get(TaskPool)`. */
export type TaskPool<T extends TaskMap = TaskMap> = TaskPoolApi<T>;
/**
 * The application's task pool (bound by taskPlugin). It does not know which modules the plugin loaded,
 * so its `run` takes any name and resolves `unknown`; use `taskPoolOf<typeof tasksModule>()` for a typed one.
 */
export const TaskPool: Token<TaskPool> = token<TaskPool>('@ody/task/TaskPool');

/** The task map of a module's `defineTasks(...)` default export (or a task map itself). */
export type TasksOf<M> = M extends TaskModule<infer T> ? (T extends TaskMap ? T : never) : M extends TaskMap ? M : never;

/**
 * The `TaskPool` token typed by your task module: the same binding, with `run` checking task names and
 * payloads and resolving each task's result type. Import the module's type only (it runs in the threads).
 * @example
 * import type tasks from './tasks.js';
 * const n: number = await app.get(taskPoolOf<typeof tasks>()).run('countPrimes', 1000);
 */
export function taskPoolOf<M extends TaskModule<TaskMap> | TaskMap>(): Token<TaskPool<TasksOf<M>>> {
  // One binding, many views: a token is a symbol whose type parameter exists only for the compiler.
  return TaskPool as symbol as Token<TaskPool<TasksOf<M>>>;
}
