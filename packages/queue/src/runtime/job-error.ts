import { OdyError } from '@ody/core';
import type { JobError } from '../contract/job.js';

/** Turn anything thrown by a handler into a storable JobError. */
export function toJobError(err: unknown, attempt: number, at = Date.now()): JobError {
  if (err instanceof Error) {
    const out: JobError = { attempt, name: err.name, message: err.message, at };
    if (OdyError.is(err)) out.code = err.code;
    else if (typeof (err as { code?: unknown }).code === 'string') out.code = (err as unknown as { code: string }).code;
    if (err.stack !== undefined) out.stack = err.stack.split('\n').slice(0, 12).join('\n');
    return out;
  }
  return { attempt, name: 'NonError', message: typeof err === 'string' ? err : safeString(err), at };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
