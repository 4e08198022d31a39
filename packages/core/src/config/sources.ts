import { coerce } from './coerce.js';
import { isPlainObject } from './merge.js';
import { envNameFor } from './resolve.js';

/** Which layer set a resolved config value, lowest precedence first: schema default < code < .env file < environment. */
export type ConfigSource = 'default' | 'code' | 'file' | 'env';

/** One leaf of an application's resolved config. */
export interface ConfigEntry {
  /** Dotted path, e.g. `http.port`. */
  path: string;
  /** The resolved value (as the plugin sees it; not redacted). */
  value: unknown;
  /** `code`: createApplication's config or the plugin factory's options. */
  source: ConfigSource;
  /** The env variable that overrides it, e.g. `ODY_HTTP_PORT`. */
  env: string;
}

/** What set each layer, kept by createApplication. */
export interface ConfigLayers {
  /** Per section: the plugin's code options merged with createApplication's config for it. */
  code: ReadonlyMap<string, unknown>;
  /** The environment given (process.env by default). */
  env: Readonly<Record<string, string | undefined>>;
  /** The .env file's variables. */
  file: Readonly<Record<string, string>>;
}

function holds(value: unknown, keys: readonly string[]): boolean {
  let v = value;
  for (const key of keys) {
    if (!isPlainObject(v) || v[key] === undefined) return false;
    v = v[key];
  }
  return true;
}

function leaves(value: unknown, path: string[], out: Array<{ path: string[]; value: unknown }>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...path, key], out);
  } else out.push({ path, value });
}

/** The env variable that set `path` (its own, or an ancestor's whole-object JSON holding it), deepest first. */
function envVariable(path: readonly string[], vars: Readonly<Record<string, string | undefined>>): string | undefined {
  for (let depth = path.length; depth >= 1; depth--) {
    const name = envNameFor(path.slice(0, depth));
    const raw = vars[name];
    if (raw === undefined) continue;
    if (depth === path.length || holds(coerce(raw, 'object'), path.slice(depth))) return name;
  }
  return undefined;
}

/**
 * Every leaf of the resolved sections with the layer that set it: the environment, else the .env file
 * (an exact variable or an ancestor's whole-object JSON), else code (config or plugin options), else
 * the schema's default. Plain objects are walked; arrays, functions and class instances are leaves.
 */
export function configEntries(resolved: ReadonlyMap<string, unknown>, layers: ConfigLayers): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const [section, value] of resolved) {
    const found: Array<{ path: string[]; value: unknown }> = [];
    leaves(value ?? {}, [section], found);
    for (const leaf of found) {
      if (leaf.path.length === 1 && isPlainObject(leaf.value)) continue; // a section without keys
      const fromEnv = envVariable(leaf.path, layers.env);
      const fromFile = fromEnv === undefined ? envVariable(leaf.path, layers.file) : undefined;
      const source: ConfigSource = fromEnv !== undefined ? 'env' : fromFile !== undefined ? 'file' : holds(layers.code.get(section), leaf.path.slice(1)) ? 'code' : 'default';
      entries.push({ path: leaf.path.join('.'), value: leaf.value, source, env: envNameFor(leaf.path) });
    }
  }
  return entries;
}
