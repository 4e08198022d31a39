import type { z } from 'zod';
import { resolveConfig } from './resolve.js';
import type { Passthrough } from './strict.js';

/** Input of resolvePluginOptions. */
export interface ResolvePluginOptionsInput<TSchema extends z.ZodType> {
  /** Section name: config key and env prefix (`ODY_<NAME>_`). */
  name: string;
  /** The plugin's config schema; its defaults are the lowest layer. */
  schema: TSchema;
  /** Code options (the plugin factory's argument, config-shaped part). */
  options?: Partial<z.input<TSchema>>;
  /** The user's config section. */
  config?: unknown;
  /** Environment (default: none, so a call is deterministic; pass process.env explicitly). */
  env?: Record<string, string | undefined>;
  /** Unknown top-level keys allowed through. */
  passthroughKeys?: Passthrough;
}

/**
 * The one options rule, outside an application: schema defaults < code options < config < env
 * (`ODY_<NAME>_<KEY>`). Unknown keys and unknown env names fail like at start, with one
 * ODY_CONFIG_INVALID listing everything. definePlugin applies the same rule for you.
 * @example
 * const cfg = resolvePluginOptions({ name: 'clock', schema, options: { intervalMs: 50 }, env: process.env });
 */
export function resolvePluginOptions<TSchema extends z.ZodType>(input: ResolvePluginOptionsInput<TSchema>): z.output<TSchema> {
  const sections = new Map([[input.name, { schema: input.schema, options: input.options, passthrough: input.passthroughKeys }]]);
  const given = input.config === undefined ? {} : { [input.name]: input.config };
  return resolveConfig(sections, given, input.env ?? {}).get(input.name) as z.output<TSchema>;
}
