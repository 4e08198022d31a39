export {
  errorCodes as taskErrorCodes,
  type RemoteTaskError,
  type TaskErrorCode,
  TaskPoolError,
  TaskQueueFullError,
} from './errors.js';
export type { RunOptions, TaskPoolOptions } from './pool/options.js';
export type { TaskPoolStats } from './pool/stats.js';
export { createTaskPool } from './pool/task-pool.js';
export { TaskState } from './pool/task-record.js';
export type { TaskPayload, TaskResult, TaskCall, TaskMap } from './pool/types.js';
export { type TaskPluginOptions, taskConfigSchema, taskPlugin } from './plugin.js';
export type { RetryPolicy } from './protocol.js';
export { TaskPool, type TasksOf, taskPoolOf } from './tokens.js';
export { setTaskInstrumentation, TASK_INSTRUMENTATION, type TaskInstrumentation, taskInstrumentation } from './instrumentation.js';
