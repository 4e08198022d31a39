import { type Token, token } from '@ody/core';
import type { TaskMap, TaskPool as TaskPoolApi } from './pool/types.js';

/** A pool of worker threads running named tasks (see createTaskPool); the interface of `app.get(TaskPool)`. */
export type TaskPool<T extends TaskMap = TaskMap> = TaskPoolApi<T>;
/** The application's task pool (bound by taskPlugin). */
export const TaskPool: Token<TaskPool> = token<TaskPool>('@ody/task/TaskPool');
