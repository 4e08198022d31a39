import type { ProcessErrorCode } from '../errors.js';

/**
 * Errors raised inside a child. Not the ProcessError class: importing @ody/core would add its whole
 * dependency tree to every child's start-up. It carries the same brand, so `OdyError.is(e, code)` works.
 */
export function childError(code: ProcessErrorCode, message: string, details: Record<string, unknown>): Error {
  const error = new Error(message) as Error & { code: string; details: Record<string, unknown> };
  error.name = 'ProcessError';
  error.code = code;
  error.details = details;
  Object.defineProperty(error, Symbol.for('ody.error'), { value: true });
  return error;
}
