import type { HttpContext } from '../context/context.js';
import type { Middleware } from '../types.js';

/** The final step of a pipeline: runs the handler and stores its result as the response body. */
export type Terminal = (ctx: HttpContext) => unknown;

/** A composed pipeline: may return a promise (async middleware or handler) or not (sync fast path). */
export type Pipeline = (ctx: HttpContext) => unknown;

/**
 * Compose middleware around a terminal step, once, at registration. With no middleware the terminal
 * itself is returned, so a plain route costs one function call per request.
 */
export function compose(middleware: readonly Middleware[], terminal: Terminal): Pipeline {
  if (middleware.length === 0) return terminal;
  const stack = [...middleware];
  const n = stack.length;
  return (ctx) => {
    let last = -1;
    const dispatch = (i: number): Promise<void> => {
      if (i <= last) return Promise.reject(new Error('next() was called more than once in one middleware.'));
      last = i;
      try {
        const r = i === n ? terminal(ctx) : stack[i]!(ctx, () => dispatch(i + 1));
        return isThenable(r) ? (r as Promise<void>) : RESOLVED;
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return dispatch(0);
  };
}

/** @internal returned by a pipeline whose every step finished synchronously: answer without a microtask. */
export const RESOLVED: Promise<void> = Promise.resolve();

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}
