import { type Token, token } from '@ody/core';
import type { TaskPool } from './pool/task-pool.js';

/** The application's task pool (bound by taskPlugin). */
export const TaskPoolToken: Token<TaskPool> = token<TaskPool>('@ody/task/TaskPool');
