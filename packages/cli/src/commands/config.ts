import type { ConfigSource } from '@ody/core';
import type { LoadedApplication } from '../app/load.js';
import { CliError } from '../errors.js';

export type { ConfigSource } from '@ody/core';

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

/**
 * The app's resolved config, one row per leaf, with the source @ody/core recorded for it
 * (`app.configEntries()`: default < code < file (.env) < env); secrets redacted, functions and class
 * instances shown by name.
 */
export function describeConfig(app: LoadedApplication): ConfigRow[] {
  if (typeof app.configEntries !== 'function') {
    throw new CliError('ODY_CLI_APP_INVALID', "This app's @ody/core does not report config sources (app.configEntries()); update @ody/core and @ody/cli together.");
  }
  return app.configEntries().map((e) => ({ path: e.path, value: redact(e.path.split('.').at(-1) ?? '', show(e.value)), source: e.source, env: e.env }));
}
