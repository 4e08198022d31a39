import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { CoreError } from '../errors.js';

/** Turn a camelCase key into the SCREAMING_SNAKE segment used in env names. */
export function envSegment(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/**
 * Read a .env file (KEY=value lines) without touching process.env. Missing file → empty.
 * Real environment variables win over the file.
 */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CoreError('ODY_ENV_FILE_INVALID', `Cannot read env file ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { path },
    });
  }
  try {
    return parseEnv(text) as Record<string, string>;
  } catch (err) {
    throw new CoreError('ODY_ENV_FILE_INVALID', `Cannot parse env file ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { path },
    });
  }
}
