// One check of the options rule (defaults < code options < config < env) for any plugin: the
// "test per plugin" the rule asks for is one call of expectOptionPrecedence.
import { createApplication } from '@ody/core';
import { expect } from 'vitest';

/** A plugin as createApplication takes it, typed structurally so any copy of @ody/core's types fits. */
type PluginLike = { readonly name: string };

/** Input of expectOptionPrecedence. */
export interface OptionPrecedenceCase<K extends string> {
  /** Builds the plugin from code options, e.g. `(o) => taskPlugin(o)` (typed `never` so any factory's options type fits). */
  plugin: (options: { [P in K]: never }) => PluginLike;
  /** Other plugins it needs to be created (dependsOn). */
  with?: readonly PluginLike[];
  /** The config key under test (top level of the plugin's section). */
  key: K;
  /** Three different valid values for the key: given in code, in config, in env (as its string form). */
  values: { code: unknown; config: unknown; env: unknown };
}

/**
 * Assert that for `key`, the schema default < code options < config < env, by creating (not starting)
 * four applications. Returns the default value it saw.
 * @example
 * it('options precedence', () => expectOptionPrecedence({
 *   plugin: (o) => taskPlugin(o), key: 'idleTimeoutMs', values: { code: 1_000, config: 2_000, env: 3_000 },
 * }));
 */
export async function expectOptionPrecedence<K extends string>(c: OptionPrecedenceCase<K>): Promise<unknown> {
  const silent = { destination: { write() {} } };
  const probe = c.plugin({} as { [P in K]: never });
  const name = probe.name;
  const envName = `ODY_${name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_${c.key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
  const read = async (options: Record<K, unknown>, config: Record<string, unknown> | undefined, env: Record<string, string>) => {
    const app = await createApplication({
      envFile: false,
      env,
      logger: silent,
      // Checked at runtime by the kernel (definePlugin's Symbol.for brand).
      plugins: [...(c.with ?? []), c.plugin(options as { [P in K]: never })] as never[],
      config: config === undefined ? {} : { [name]: config },
    });
    return app.configOf<Record<string, unknown> | undefined>(name)?.[c.key];
  };
  const code = { [c.key]: c.values.code } as Record<K, unknown>;
  const fallback = await read({} as Record<K, unknown>, undefined, {});
  expect(fallback, `${name}.${c.key}: pick values that differ from the default`).not.toEqual(c.values.code);
  expect(await read(code, undefined, {}), `${name}.${c.key}: code options over the default`).toEqual(c.values.code);
  expect(await read(code, { [c.key]: c.values.config }, {}), `${name}.${c.key}: config over code options`).toEqual(c.values.config);
  const envValue = typeof c.values.env === 'string' ? c.values.env : JSON.stringify(c.values.env);
  expect(await read(code, { [c.key]: c.values.config }, { [envName]: envValue }), `${name}.${c.key}: env ${envName} over config`).toEqual(
    c.values.env,
  );
  return fallback;
}
