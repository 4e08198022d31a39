import type { z } from 'zod';
import { CoreError } from '../errors.js';
import { coerce, kindOf, shapeOf } from './coerce.js';
import { envSegment } from './env.js';
import { isPlainObject, mergeLayers } from './merge.js';
import { type Passthrough, unknownEnvIssues, unknownKeyIssues } from './strict.js';
import { didYouMean } from './suggest.js';

/** One problem found in configuration. */
export interface ConfigIssue {
  /** Dotted path, e.g. `http.port` (or `env ODY_HTTP_PROT` for an unknown env name). */
  path: string;
  /** The value that was given (undefined when missing). */
  value: unknown;
  /** What was expected, in words from the schema library (plus a "did you mean" for unknown keys). */
  message: string;
  /** The env variable that sets this key. */
  env: string;
}

/** What the kernel knows about one config section. */
export interface SectionSpec {
  schema: z.ZodType;
  /** Code options (from the plugin factory): above schema defaults, below config and env. */
  options?: unknown;
  /** Unknown top-level keys handed to the plugin as they are (see definePlugin's `passthroughKeys`). */
  passthrough?: Passthrough;
  /** Env names the plugin sets itself for its children; never reported as unknown. */
  internalEnv?: readonly string[];
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
  let out: Record<string, unknown> = isPlainObject(given) ? { ...given } : {};
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

/** Resolve one section (defaults < options < config < env) and collect its issues. */
function resolveSection(name: string, spec: SectionSpec, given: unknown, env: Record<string, string | undefined>, issues: ConfigIssue[]) {
  const layered = mergeLayers(spec.options, given);
  const input = applyEnv(spec.schema, layered, envNameFor([name]), env);
  // Checked after env so keys inside a whole-object env value (ODY_HTTP_LIMITS='{…}') are checked too.
  issues.push(...unknownKeyIssues(spec.schema, input, [name], envNameFor, spec.passthrough));
  const result = spec.schema.safeParse(input ?? {});
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = [name, ...issue.path.map(String)];
    let value: unknown = input;
    for (const key of issue.path) value = isPlainObject(value) ? value[String(key)] : undefined;
    issues.push({ path: path.join('.'), value, message: issue.message, env: envNameFor(path) });
  }
  return undefined;
}

/** One ODY_CONFIG_INVALID listing every issue. */
export function configError(issues: readonly ConfigIssue[]): CoreError {
  const lines = issues.map((i) => `  - ${i.path}: ${i.message} (got ${JSON.stringify(i.value) ?? 'undefined'}; env ${i.env})`);
  return new CoreError(
    'ODY_CONFIG_INVALID',
    `Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    { details: { issues } },
  );
}

/**
 * Validate every section against its schema (defaults < code options < config < env), reject unknown
 * keys and unknown `ODY_<SECTION>_*` env names, and report all issues at once. Returns the parsed
 * config per section.
 */
export function resolveConfig(
  sections: ReadonlyMap<string, SectionSpec>,
  given: Record<string, unknown>,
  env: Record<string, string | undefined>,
): Map<string, unknown> {
  const unknown = Object.keys(given).filter((name) => !sections.has(name));
  if (unknown.length > 0) {
    const hints = unknown.map((n) => {
      const guess = didYouMean(n, sections.keys());
      return guess === undefined ? `'${n}'` : `'${n}' (did you mean '${guess}'?)`;
    });
    throw new CoreError(
      'ODY_CONFIG_UNKNOWN_SECTION',
      `Config has section(s) ${hints.join(', ')} that no plugin claims. ` +
        `Known sections: ${[...sections.keys()].join(', ')}. Remove them or add the plugin they belong to.`,
      { details: { unknown, known: [...sections.keys()] } },
    );
  }
  const issues: ConfigIssue[] = [];
  const resolved = new Map<string, unknown>();
  for (const [name, spec] of sections) resolved.set(name, resolveSection(name, spec, given[name], env, issues));
  issues.push(...unknownEnvIssues(sections, env, envNameFor));
  if (issues.length > 0) throw configError(issues);
  return resolved;
}
