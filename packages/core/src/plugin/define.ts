import type { z } from 'zod';
import type { ShutdownBudget } from '../app/shutdown.js';
import type { PluginContext } from './context.js';

const ODY_PLUGIN = Symbol.for('ody.plugin');

/** Every key optional, recursively through plain objects (arrays and functions stay whole). */
export type DeepPartial<T> = T extends readonly unknown[] | ((...args: never[]) => unknown)
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Lifecycle hooks and metadata of a plugin. `TSchema` is its config schema. */
export interface PluginDefinition<TSchema extends z.ZodType = z.ZodType> {
  /** Unique name; also the config section (`config[name]`) and env prefix (`ODY_<NAME>_`). */
  readonly name: string;
  /** Plugins that must register and boot before this one (and shut down after it). */
  readonly dependsOn?: readonly string[];
  /** Like dependsOn, but only orders against them when present. */
  readonly optionalDependsOn?: readonly string[];
  /**
   * @deprecated One budget for the whole stop: use the `budget.signal` handed to `shutdown`. When set, it
   * only caps this plugin's share of `app.shutdownTimeoutMs` (its signal aborts earlier).
   */
  readonly shutdownTimeoutMs?: number;
  /** Schema of this plugin's config section; defaults fill in what the user leaves out. */
  readonly configSchema?: TSchema;
  /**
   * Code options for the config section (what the plugin factory was given). The kernel resolves
   * schema defaults < `options` < `config[name]` < env `ODY_<NAME>_*`, then validates.
   */
  readonly options?: DeepPartial<z.input<TSchema>>;
  /**
   * Top-level keys of the section the schema does not declare but the plugin accepts as they are
   * (`true`: any, e.g. options forwarded to a driver). Every other unknown key fails start.
   */
  readonly passthroughKeys?: true | readonly string[];
  /** Env names this plugin sets for its own children (workers); never reported as unknown. */
  readonly internalEnv?: readonly string[];
  /** Bind tokens. Runs for every plugin before any boot. */
  register?(ctx: PluginContext<z.output<TSchema>>): void | Promise<void>;
  /** Start work (open ports, start workers). Runs in dependency order. */
  boot?(ctx: PluginContext<z.output<TSchema>>): void | Promise<void>;
  /**
   * Release what boot took. Runs in reverse order within the one `app.shutdownTimeoutMs` budget: drain
   * while `budget.signal` is not aborted, close what is left when it aborts. stop() waits for it.
   */
  shutdown?(ctx: PluginContext<z.output<TSchema>>, budget: ShutdownBudget): void | Promise<void>;
}

/** A plugin as handed to createApplication. */
export type Plugin<TSchema extends z.ZodType = z.ZodType> = PluginDefinition<TSchema> & {
  readonly [ODY_PLUGIN]: true;
};

/** Any plugin, whatever its config. Hooks are checked per plugin, so `any` config is safe here. */
// biome-ignore lint/suspicious/noExplicitAny: a list of plugins with different config types
export type AnyPlugin = Plugin<any>;

/**
 * Declare a plugin. Hooks receive a narrow context typed by `configSchema`.
 * @example
 * export const clockPlugin = () => definePlugin({
 *   name: 'clock',
 *   configSchema: z.object({ intervalMs: z.number().default(1000) }),
 *   boot(ctx) { ctx.logger.info({ every: ctx.config.intervalMs }, 'ticking'); },
 * });
 */
export function definePlugin<TSchema extends z.ZodType = z.ZodType>(
  definition: PluginDefinition<TSchema>,
): Plugin<TSchema> {
  return Object.freeze({ ...definition, [ODY_PLUGIN]: true as const });
}

/** True for values made by definePlugin. */
export function isPlugin(value: unknown): value is AnyPlugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ODY_PLUGIN] === true;
}
