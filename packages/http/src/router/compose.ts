import type { HttpContext } from '../context/context.js';
import { HttpServerError } from '../errors.js';
import type { Middleware } from '../types.js';

/** The final step of a pipeline: runs the handler and stores its result as the response body. */
export type Terminal = (ctx: HttpContext) => unknown;

/** A composed pipeline: may return a promise (async middleware or handler) or not (sync fast path). */
export type Pipeline = (ctx: HttpContext) => unknown;

/**
 * Compose middleware around a terminal step, once, at registration: each middleware is linked to
 * the rest of the chain now, so a request costs one `next` closure per middleware and no
 * dispatcher. With no middleware the terminal itself is returned (one function call per request).
 */
export function compose(middleware: readonly Middleware[], terminal: Terminal): Pipeline {
  let step: Pipeline = terminal;
  for (let i = middleware.length - 1; i >= 0; i--) step = link(middleware[i]!, step);
  return step;
}

function link(mw: Middleware, rest: Pipeline): Pipeline {
  return (ctx) => {
    let called = false;
    return mw(ctx, () => {
      if (called) return Promise.reject(new HttpServerError('ODY_HTTP_NEXT_CALLED_TWICE', 'next() was called more than once in one middleware; call it once and await it.'));
      called = true;
      try {
        const r = rest(ctx);
        return isThenable(r) ? (r as Promise<void>) : RESOLVED;
      } catch (err) {
        return Promise.reject(err);
      }
    });
  };
}

/** @internal returned by a pipeline whose every step finished synchronously: answer without a microtask. */
export const RESOLVED: Promise<void> = Promise.resolve();

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}
