import { definePlugin, z } from '@ody/core';
import type { TaskPoolOptions } from './pool/options.js';
import { createTaskPool } from './pool/task-pool.js';
import type { TaskPool as TaskPoolApi } from './pool/types.js';
import { TaskPool } from './tokens.js';

/** Config section `task` of taskPlugin (env `ODY_TASK_<KEY>`, e.g. `ODY_TASK_MAX_THREADS`). */
export const taskConfigSchema = z.object({
  /** Task modules: absolute paths or file URLs. */
  modules: z.array(z.string()).default([]),
  minThreads: z.number().int().min(0).optional(),
  maxThreads: z.number().int().min(1).optional(),
  idleTimeoutMs: z.number().int().positive().default(30_000),
  maxQueue: z.number().int().min(0).optional(),
  defaultTimeoutMs: z.number().int().min(0).optional(),
  maxBatch: z.number().int().min(1).optional(),
  /** Time running tasks get to finish at shutdown (within the app's shutdown budget). */
  shutdownTimeoutMs: z.number().int().min(0).default(5_000),
});

/** Options of taskPlugin: they win over the defaults; config (then env) wins over them. */
export interface TaskPluginOptions extends Partial<Omit<TaskPoolOptions, 'modules' | 'logger' | 'resourceLimits'>> {
  modules?: readonly (string | URL)[];
  /** Time running tasks get to finish at shutdown; default 5000 (never more than the app's shutdown budget). */
  shutdownTimeoutMs?: number;
}

/**
 * Run a task pool for the application's lifetime: bound to the `TaskPool` token, closed at shutdown
 * (queued tasks reject with ODY_TASK_SHUTDOWN, running ones get `shutdownTimeoutMs`, cut short when the
 * app's shutdown budget runs out). Precedence: defaults < taskPlugin options < config < env.
 * @example
 * createApplication({ plugins: [taskPlugin({ modules: [new URL('./tasks.js', import.meta.url)], maxThreads: 2 })] });
 * await app.get(TaskPool).run('fib', 30);
 */
export const taskPlugin = (options: TaskPluginOptions = {}) => {
  let pool: TaskPoolApi | undefined;
  const { modules, ...rest } = options;
  return definePlugin({
    name: 'task',
    configSchema: taskConfigSchema,
    options: { ...rest, ...(modules === undefined ? {} : { modules: modules.map((m) => (m instanceof URL ? m.href : m)) }) },
    register(ctx) {
      const { shutdownTimeoutMs: _, ...config } = ctx.config;
      ctx.bind(TaskPool).toFactory(() => {
        pool ??= createTaskPool({ ...config, logger: ctx.logger });
        return pool;
      });
    },
    boot(ctx) {
      ctx.logger.info({ threads: ctx.get(TaskPool).stats().threads }, 'task pool started');
    },
    async shutdown(ctx, budget) {
      await pool?.close({ timeoutMs: ctx.config.shutdownTimeoutMs, signal: budget.signal });
    },
  });
};
