import { definePlugin, z } from '@ody/core';
import type { TaskPoolOptions } from './pool/options.js';
import { createTaskPool, type TaskPool } from './pool/task-pool.js';
import { TaskPoolToken } from './tokens.js';

/** Config section `task` of taskPlugin. */
export const taskConfigSchema = z.object({
  /** Task modules: absolute paths or file URLs. */
  modules: z.array(z.string()).default([]),
  minThreads: z.number().int().min(0).optional(),
  maxThreads: z.number().int().min(1).optional(),
  idleTimeoutMs: z.number().int().positive().default(30_000),
  maxQueue: z.number().int().min(0).optional(),
  defaultTimeoutMs: z.number().int().min(0).optional(),
  /** Time running tasks get to finish at shutdown before their threads are terminated. */
  shutdownTimeoutMs: z.number().int().min(0).default(5_000),
});

/** Options of taskPlugin; values here win over nothing, config wins over them. */
export interface TaskPluginOptions extends Partial<Omit<TaskPoolOptions, 'modules' | 'logger'>> {
  modules?: readonly (string | URL)[];
  shutdownTimeoutMs?: number;
}

/**
 * Run a task pool for the application's lifetime: started at boot, bound to TaskPoolToken, closed at
 * shutdown (queued tasks reject with ODY_TASK_SHUTDOWN, running ones get `shutdownTimeoutMs`).
 * @example
 * createApplication({ plugins: [taskPlugin({ modules: [new URL('./tasks.js', import.meta.url)], maxThreads: 2 })] });
 * await app.get(TaskPoolToken).run('fib', 30);
 */
export const taskPlugin = (options: TaskPluginOptions = {}) =>
  definePlugin({
    name: 'task',
    configSchema: taskConfigSchema,
    register(ctx) {
      const c = ctx.config;
      const modules = c.modules.length > 0 ? c.modules : [...(options.modules ?? [])];
      let pool: TaskPool | undefined;
      ctx.bind(TaskPoolToken).toFactory(() => {
        pool ??= createTaskPool({
          ...options,
          modules,
          minThreads: c.minThreads ?? options.minThreads,
          maxThreads: c.maxThreads ?? options.maxThreads,
          idleTimeoutMs: c.idleTimeoutMs,
          maxQueue: c.maxQueue ?? options.maxQueue,
          defaultTimeoutMs: c.defaultTimeoutMs ?? options.defaultTimeoutMs,
          logger: ctx.logger,
        });
        return pool;
      });
      ctx.onShutdown(() => pool?.close({ timeoutMs: options.shutdownTimeoutMs ?? c.shutdownTimeoutMs }));
    },
    boot(ctx) {
      const pool = ctx.get(TaskPoolToken);
      ctx.logger.info({ threads: pool.stats().threads }, 'task pool started');
    },
  });
