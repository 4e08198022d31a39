import { definePlugin, z } from '@ody/core';
import { type ProcessDefinition, processDefinitionSchema } from './definition.js';
import { ProcessManager } from './manager/process-manager.js';
import { ProcessManagerToken } from './tokens.js';

/** Config section `process` of processPlugin. */
export const processConfigSchema = z.object({
  /** Processes to supervise; merged after those passed to processPlugin(). */
  processes: z.array(processDefinitionSchema).default([]),
  /** Start them at boot (default) or leave it to your code. */
  autoStart: z.boolean().default(true),
});

/** Options of processPlugin. */
export interface ProcessPluginOptions {
  processes?: readonly ProcessDefinition[];
}

/**
 * Supervise processes for the application's lifetime: declared in code or in config (`process.processes`),
 * started at boot (each instance awaited ready), stopped at shutdown (SIGTERM, then SIGKILL).
 * @example
 * createApplication({
 *   config: { process: { processes: [{ name: 'queue-worker', module: '/app/dist/worker.js', instances: 4 }] } },
 *   plugins: [processPlugin()],
 * });
 */
export const processPlugin = (options: ProcessPluginOptions = {}) =>
  definePlugin({
    name: 'process',
    configSchema: processConfigSchema,
    register(ctx) {
      const manager = new ProcessManager({
        processes: [...(options.processes ?? []), ...(ctx.config.processes as ProcessDefinition[])],
        logger: ctx.logger,
      });
      ctx.bind(ProcessManagerToken).toValue(manager);
      ctx.onShutdown(() => manager.close());
    },
    async boot(ctx) {
      const manager = ctx.get(ProcessManagerToken);
      if (ctx.config.autoStart) await manager.start();
      ctx.logger.info({ processes: manager.names() }, 'processes started');
    },
  });
