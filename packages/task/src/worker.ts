/**
 * Worker-side API of @ody/task: declare the tasks a module offers.
 * @example
 * // tasks/math.mjs
 * import { defineTasks } from '@ody/task/worker';
 * export default defineTasks({ add: (p) => p.a + p.b });
 */
import type { RetryPolicy } from './protocol.js';

export { setTaskInstrumentation, TASK_INSTRUMENTATION, type TaskInstrumentation, taskInstrumentation } from './instrumentation.js';
export type { RetryPolicy } from './protocol.js';

const TASK_MODULE = Symbol.for('ody.task.module');
const RETRYABLE = Symbol.for('ody.task.retryable');

/** A task handler: gets the payload and the module's context (what `setup` returned). */
// biome-ignore lint/suspicious/noExplicitAny: handlers are typed by the user
export type TaskHandler<TContext = any> = (payload: any, context: TContext) => unknown;

/** Options of a task module with per-thread services. */
export interface TaskModuleOptions<TContext, THandlers extends Record<string, TaskHandler<TContext>>> {
  /** Runs once per thread before any task; may build an Application through the kernel. */
  setup?: () => TContext | Promise<TContext>;
  tasks: THandlers;
}

/** What defineTasks returns; the pool loads it from the module's default export. */
export interface TaskModule<THandlers = Record<string, TaskHandler>> {
  readonly [TASK_MODULE]: true;
  readonly tasks: THandlers;
  readonly setup?: () => unknown;
}

/**
 * Declare a module's tasks, either as a plain map of handlers or with a per-thread `setup`.
 * @example
 * export default defineTasks({
 *   setup: async () => { const app = await createApp(); await app.start(); return app; },
 *   tasks: { hash: (p, app) => app.get(Hasher).hash(p) },
 * });
 */
export function defineTasks<THandlers extends Record<string, TaskHandler<undefined>>>(tasks: THandlers): TaskModule<THandlers>;
export function defineTasks<TContext, THandlers extends Record<string, TaskHandler<TContext>>>(
  options: TaskModuleOptions<TContext, THandlers>,
): TaskModule<THandlers>;
export function defineTasks(
  input: Record<string, TaskHandler> | TaskModuleOptions<unknown, Record<string, TaskHandler>>,
): TaskModule {
  const options = input as Partial<TaskModuleOptions<unknown, Record<string, TaskHandler>>>;
  const isOptions = typeof options.tasks === 'object' && options.tasks !== null;
  const tasks = isOptions ? options.tasks! : (input as Record<string, TaskHandler>);
  return { [TASK_MODULE]: true, tasks, setup: isOptions ? options.setup : undefined };
}

/**
 * Mark a handler retryable: when it throws (or its thread crashes or times out) the pool runs it again
 * with backoff, up to `policy.attempts` attempts in all.
 * @example
 * defineTasks({ fetchRate: retryable(async (p) => fetchRate(p.currency), { attempts: 4, backoff: { type: 'exponential', delayMs: 50 } }) })
 */
export function retryable<H extends TaskHandler>(handler: H, policy: RetryPolicy = {}): H {
  Object.defineProperty(handler, RETRYABLE, { value: policy });
  return handler;
}

/** True for values made by defineTasks. */
export function isTaskModule(value: unknown): value is TaskModule {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TASK_MODULE] === true;
}

/** The retry policy attached by `retryable`, if any. */
export function retryPolicyOf(handler: unknown): RetryPolicy | undefined {
  return typeof handler === 'function' ? (handler as unknown as Record<symbol, RetryPolicy | undefined>)[RETRYABLE] : undefined;
}
