import { definePlugin, z } from '@ody/core';
import { type ProcessDefinition, processDefinitionSchema } from './definition.js';
import type { ProcessManager as ProcessManagerApi } from './manager/api.js';
import { ENV } from './ipc/protocol.js';
import { createProcessManager } from './manager/process-manager.js';
import { ProcessManager } from './tokens.js';

/** Config section `process` of processPlugin (env `ODY_PROCESS_AUTO_START`). */
export const processConfigSchema = z.object({
  /** Processes to supervise; added after those passed to processPlugin() (a name may appear once). */
  processes: z.array(processDefinitionSchema).default([]),
  /** Start them at boot (default) or leave it to your code. */
  autoStart: z.boolean().default(true),
});

/** Options of processPlugin; config (then env) wins over these, these win over the defaults. */
export interface ProcessPluginOptions {
  /** Processes to supervise (in addition to config's `process.processes`). */
  processes?: readonly ProcessDefinition[];
  /** Start them at boot; default true. */
  autoStart?: boolean;
}

/**
 * Supervise processes for the application's lifetime: declared in code or in config (`process.processes`),
 * started at boot (each instance awaited ready), stopped at shutdown (SIGTERM, then SIGKILL; at once when
 * the app's shutdown budget runs out). Precedence: defaults < processPlugin options < config < env.
 * @example
 * createApplication({
 *   config: { process: { processes: [{ name: 'queue-worker', module: '/app/dist/worker.js', instances: 4 }] } },
 *   plugins: [processPlugin()],
 * });
 */
export const processPlugin = (options: ProcessPluginOptions = {}) => {
  let manager: ProcessManagerApi | undefined;
  return definePlugin({
    name: 'process',
    configSchema: processConfigSchema,
    // Set for every managed child (protocol.ts); a child that builds its own app with processPlugin sees them.
    internalEnv: Object.values(ENV),
    options: options.autoStart === undefined ? {} : { autoStart: options.autoStart },
    register(ctx) {
      manager = createProcessManager({
        processes: [...(options.processes ?? []), ...(ctx.config.processes as ProcessDefinition[])],
        logger: ctx.logger,
      });
      ctx.bind(ProcessManager).toValue(manager);
    },
    async boot(ctx) {
      const autoStart = ctx.config.autoStart;
      if (autoStart) await manager!.start();
      ctx.logger.info({ processes: manager!.names(), started: autoStart }, autoStart ? 'processes started' : 'processes defined (autoStart off)');
    },
    async shutdown(_ctx, budget) {
      await manager?.close({ signal: budget.signal });
    },
  });
};
