import type { z } from 'zod';
import { CoreError } from '../errors.js';
import { coerce, kindOf, shapeOf } from './coerce.js';
import { envSegment } from './env.js';

/** One problem found in configuration. */
export interface ConfigIssue {
  /** Dotted path, e.g. `http.port`. */
  path: string;
  /** The value that was given (undefined when missing). */
  value: unknown;
  /** What was expected, in words from the schema library. */
  message: string;
  /** The env variable that sets this key. */
  env: string;
}

type Section = Record<string, unknown>;

function isPlainObject(v: unknown): v is Section {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Overlay env variables on one section: ODY_<SECTION>_<KEY>[_<SUBKEY>…], names derived from the schema
 * so nested camelCase keys map without ambiguity.
 */
function applyEnv(schema: z.ZodType, given: unknown, prefix: string, env: Record<string, string | undefined>): unknown {
  const shape = shapeOf(schema);
  if (shape === undefined) {
    const raw = env[prefix];
    return raw === undefined ? given : coerce(raw, kindOf(schema));
  }
  const whole = env[prefix];
  let out: Section = isPlainObject(given) ? { ...given } : {};
  if (whole !== undefined) {
    const parsed = coerce(whole, 'object');
    if (isPlainObject(parsed)) out = { ...out, ...parsed };
  }
  for (const [key, child] of Object.entries(shape)) {
    const value = applyEnv(child, out[key], `${prefix}_${envSegment(key)}`, env);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Env name for a dotted config path, e.g. `http.maxBodySize` → ODY_HTTP_MAX_BODY_SIZE. */
export function envNameFor(path: string[]): string {
  return ['ODY', ...path.map(envSegment)].join('_');
}

/**
 * Validate every section against its schema (after env overrides) and report all issues at once.
 * Returns the parsed config per section.
 */
export function resolveConfig(
  schemas: ReadonlyMap<string, z.ZodType>,
  given: Record<string, unknown>,
  env: Record<string, string | undefined>,
): Map<string, unknown> {
  const unknown = Object.keys(given).filter((name) => !schemas.has(name));
  if (unknown.length > 0) {
    throw new CoreError(
      'ODY_CONFIG_UNKNOWN_SECTION',
      `Config has section(s) ${unknown.map((n) => `'${n}'`).join(', ')} that no plugin claims. ` +
        `Known sections: ${[...schemas.keys()].join(', ')}. Remove them or add the plugin they belong to.`,
      { details: { unknown, known: [...schemas.keys()] } },
    );
  }
  const issues: ConfigIssue[] = [];
  const resolved = new Map<string, unknown>();
  for (const [name, schema] of schemas) {
    const input = applyEnv(schema, given[name], envNameFor([name]), env);
    const result = schema.safeParse(input ?? {});
    if (result.success) {
      resolved.set(name, result.data);
      continue;
    }
    for (const issue of result.error.issues) {
      const path = [name, ...issue.path.map(String)];
      let value: unknown = input;
      for (const key of issue.path) value = isPlainObject(value) ? value[String(key)] : undefined;
      issues.push({ path: path.join('.'), value, message: issue.message, env: envNameFor(path) });
    }
  }
  if (issues.length > 0) {
    const lines = issues.map(
      (i) => `  - ${i.path}: ${i.message} (got ${JSON.stringify(i.value) ?? 'undefined'}; env ${i.env})`,
    );
    throw new CoreError(
      'ODY_CONFIG_INVALID',
      `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      { details: { issues } },
    );
  }
  return resolved;
}
