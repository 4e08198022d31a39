import type { RecordedError } from './types.js';

/** A JSON-safe copy of an error for the status store (name, message, code, details). */
export function recordError(error: unknown): RecordedError {
  if (error instanceof Error) {
    const { code, details } = error as { code?: unknown; details?: unknown };
    const out: RecordedError = { name: error.name, message: error.message };
    if (typeof code === 'string') out.code = code;
    if (typeof details === 'object' && details !== null) out.details = JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
    return out;
  }
  return { name: 'Error', message: String(error) };
}
