import type { z } from 'zod';
import { isLoose, shapeOf } from './coerce.js';
import { envSegment } from './env.js';
import { isPlainObject } from './merge.js';
import type { ConfigIssue } from './resolve.js';
import { didYouMean } from './suggest.js';

/** Which unknown top-level keys of a section are handed to the plugin as they are. */
export type Passthrough = true | readonly string[] | undefined;

function allows(passthrough: Passthrough, key: string): boolean {
  return passthrough === true || (Array.isArray(passthrough) && passthrough.includes(key));
}

/**
 * Keys of `value` that `schema` does not declare, with a "did you mean". Object levels built with
 * `z.looseObject`/`.catchall()` accept extra keys; `passthrough` allows extra top-level keys.
 */
export function unknownKeyIssues(
  schema: z.ZodType,
  value: unknown,
  path: string[],
  envNameFor: (path: string[]) => string,
  passthrough: Passthrough = undefined,
): ConfigIssue[] {
  const shape = shapeOf(schema);
  if (shape === undefined || !isPlainObject(value)) return [];
  const issues: ConfigIssue[] = [];
  const known = Object.keys(shape);
  const loose = isLoose(schema);
  for (const [key, child] of Object.entries(value)) {
    const childSchema = shape[key];
    if (childSchema === undefined) {
      if (loose || allows(passthrough, key)) continue;
      const guess = didYouMean(key, known);
      issues.push({
        path: [...path, key].join('.'),
        value: child,
        message: `unknown key${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; known keys: ${known.join(', ') || '(none)'}`,
        env: envNameFor([...path, key]),
      });
      continue;
    }
    issues.push(...unknownKeyIssues(childSchema, child, [...path, key], envNameFor));
  }
  return issues;
}

/** Every env name that sets something in `schema` under `prefix` (whole objects included). */
export function envNamesOf(schema: z.ZodType, prefix: string, out: Set<string> = new Set()): Set<string> {
  out.add(prefix);
  const shape = shapeOf(schema);
  if (shape === undefined) return out;
  for (const [key, child] of Object.entries(shape)) envNamesOf(child, `${prefix}_${envSegment(key)}`, out);
  return out;
}

/**
 * `ODY_<SECTION>_*` variables that name no key of their section. The longest matching section wins
 * (`ODY_QUEUE_REDIS_URL` belongs to `queue-redis` when both exist). Names a plugin sets for its own
 * children are skipped when it declares them (`internalEnv`).
 */
export function unknownEnvIssues(
  sections: ReadonlyMap<string, { schema: z.ZodType; internalEnv?: readonly string[] }>,
  env: Record<string, string | undefined>,
  envNameFor: (path: string[]) => string,
): ConfigIssue[] {
  const prefixes = [...sections.entries()]
    .map(([name, section]) => ({ name, section, prefix: envNameFor([name]) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const validBySection = new Map<string, Set<string>>();
  const issues: ConfigIssue[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (raw === undefined || !variable.startsWith('ODY_')) continue;
    const owner = prefixes.find((p) => variable === p.prefix || variable.startsWith(`${p.prefix}_`));
    if (owner === undefined) continue;
    if (owner.section.internalEnv?.includes(variable)) continue;
    let valid = validBySection.get(owner.name);
    if (valid === undefined) {
      valid = envNamesOf(owner.section.schema, owner.prefix);
      validBySection.set(owner.name, valid);
    }
    if (valid.has(variable)) continue;
    const guess = didYouMean(variable, valid);
    issues.push({
      path: `env ${variable}`,
      value: raw,
      message: `unknown env name for section '${owner.name}'${guess === undefined ? '' : ` (did you mean ${guess}?)`}`,
      env: variable,
    });
  }
  return issues;
}
