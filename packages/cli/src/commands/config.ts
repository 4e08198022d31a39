import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { appConfigSchema, envNameFor } from '@ody/core';
import { type LoadedApplication, slotsOf } from '../app/load.js';

/** Where a config value came from (lowest to highest precedence: default < code < file < env). */
export type ConfigSource = 'default' | 'code' | 'file' | 'env';

/** One leaf of the resolved config. */
export interface ConfigRow {
  /** Dotted path, e.g. `http.port`. */
  path: string;
  /** The value (secrets redacted). */
  value: unknown;
  source: ConfigSource;
  /** The env variable that overrides it. */
  env: string;
}

const SECRET_KEY = /secret|password|token|key/i;
/** Shown in place of a secret. */
export const REDACTED = '[redacted]';

/** Redact a value: secret-looking keys entirely, the credentials of URLs inside strings. */
export function redact(key: string, value: unknown): unknown {
  if (SECRET_KEY.test(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (typeof value === 'string') return value.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/gi, (_m, scheme: string) => `${scheme}${REDACTED}@`);
  return value;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

function show(value: unknown): unknown {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlain(value)) {
    const name = (value as { name?: unknown }).name;
    return `[${value.constructor?.name ?? 'object'}${typeof name === 'string' ? ` ${name}` : ''}]`;
  }
  return value;
}

function leaves(value: unknown, path: string[], out: Array<{ path: string[]; value: unknown }>): void {
  if (isPlain(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  } else out.push({ path, value });
}

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) v = isPlain(v) ? v[k] : undefined;
  return v;
}

function readDotEnv(root: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(join(root, '.env'), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * The app's resolved config, one row per leaf, with its source. @ody/core keeps no sources, so ody
 * computes them: `env` when the real environment sets the key's ODY_* variable, `file` when the
 * .env file does, `default` when the value equals the schema's default, else `code` (createApp's
 * config or plugin options; a code value equal to the default shows as `default`).
 */
export function describeConfig(app: LoadedApplication, root: string, env: NodeJS.ProcessEnv = process.env): ConfigRow[] {
  const fileEnv = readDotEnv(root);
  const schemas = new Map(slotsOf(app).map((s) => [s.plugin.name, s.plugin.configSchema] as const));
  const sections: Array<[string, unknown]> = [['app', app.appConfig], ...app.plugins.map((name) => [name, app.configOf(name)] as [string, unknown])];
  const rows: ConfigRow[] = [];
  for (const [section, resolved] of sections) {
    const schema = section === 'app' ? undefined : schemas.get(section);
    const parsed = schema?.safeParse({});
    const defaults = section === 'app' ? appConfigSchema.parse({}) : parsed?.success ? parsed.data : undefined;
    const found: Array<{ path: string[]; value: unknown }> = [];
    leaves(resolved ?? {}, [section], found);
    for (const leaf of found) {
      if (leaf.path.length === 1 && isPlain(leaf.value)) continue; // an empty section
      const name = envNameFor(leaf.path);
      const rel = leaf.path.slice(1);
      const source: ConfigSource =
        env[name] !== undefined ? 'env' : fileEnv[name] !== undefined ? 'file' : JSON.stringify(at(defaults, rel)) === JSON.stringify(leaf.value) && leaf.value !== undefined ? 'default' : 'code';
      rows.push({ path: leaf.path.join('.'), value: redact(leaf.path.at(-1) ?? '', show(leaf.value)), source, env: name });
    }
  }
  return rows;
}

