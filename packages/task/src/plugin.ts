import { definePlugin, z } from '@ody/core';
import type { TaskPoolOptions } from './pool/options.js';
import { createTaskPool } from './pool/task-pool.js';
import type { TaskPool as TaskPoolApi } from './pool/types.js';
import { TaskPool } from './tokens.js';

/** Config section `task` of taskPlugin (env `ODY_TASK_<KEY>`, e.g. `ODY_TASK_MAX_THREADS`). */
export const taskConfigSchema = z.object({
  /** Task modules: absolute paths or file URLs; replace the modules given in code. */
  modules: z.array(z.string()).optional(),
  minThreads: z.number().int().min(0).optional(),
  maxThreads: z.number().int().min(1).optional(),
  idleTimeoutMs: z.number().int().positive().optional(),
  maxQueue: z.number().int().min(0).optional(),
  defaultTimeoutMs: z.number().int().min(0).optional(),
  maxBatch: z.number().int().min(1).optional(),
  /** Time running tasks get to finish at shutdown before their threads are terminated. */
  shutdownTimeoutMs: z.number().int().min(0).optional(),
});

/** Options of taskPlugin: they win over the defaults; config (then env) wins over them. */
export interface TaskPluginOptions extends Partial<Omit<TaskPoolOptions, 'modules' | 'logger'>> {
  modules?: readonly (string | URL)[];
  /** Time running tasks get to finish at shutdown; default 5000. */
  shutdownTimeoutMs?: number;
}

const DEFAULTS = { shutdownTimeoutMs: 5_000 };

/** Keys of `config` whose value is set, laid over `base` (defaults < code < config < env). */
function overlay<T extends object>(base: T, config: Partial<T>): T {
  const out = { ...base };
  for (const [key, value] of Object.entries(config)) if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}

/**
 * Run a task pool for the application's lifetime: bound to the `TaskPool` token, closed at shutdown
 * (queued tasks reject with ODY_TASK_SHUTDOWN, running ones get `shutdownTimeoutMs`).
 * Precedence: defaults < taskPlugin options < config < env.
 * @example
 * createApplication({ plugins: [taskPlugin({ modules: [new URL('./tasks.js', import.meta.url)], maxThreads: 2 })] });
 * await app.get(TaskPool).run('fib', 30);
 */
export const taskPlugin = (options: TaskPluginOptions = {}) =>
  definePlugin({
    name: 'task',
    configSchema: taskConfigSchema,
    register(ctx) {
      const { modules, shutdownTimeoutMs, ...pool } = overlay({ ...DEFAULTS, ...options }, ctx.config as Partial<TaskPluginOptions>);
      let instance: TaskPoolApi | undefined;
      ctx.bind(TaskPool).toFactory(() => {
        instance ??= createTaskPool({ ...pool, modules: modules ?? [], logger: ctx.logger });
        return instance;
      });
      ctx.onShutdown(() => instance?.close({ timeoutMs: shutdownTimeoutMs }));
    },
    boot(ctx) {
      const pool = ctx.get(TaskPool);
      ctx.logger.info({ threads: pool.stats().threads }, 'task pool started');
    },
  });
