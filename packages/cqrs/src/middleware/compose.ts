import type { BusMiddleware, BusNext, MessageInfo } from './types.js';

/** A handler as the pipeline sees it: may answer synchronously or throw. */
export type Terminal = (message: object) => unknown;

/**
 * @internal How a built-in middleware composes itself around the rest of a route once, when the route
 * is composed: it returns the function that runs per call (no per-call closure, no promise wrapper),
 * or `next` itself when it has nothing to do for that route (validation of a message without a
 * schema). The returned function must return a promise and never throw.
 */
export type Link = (next: BusNext, info: MessageInfo) => BusNext;

const LINK = Symbol('ody.cqrs.link');

/** @internal A middleware that also knows how to link itself into a route (see Link). */
export function linkable(middleware: BusMiddleware, link: Link): BusMiddleware {
  return Object.assign(middleware, { [LINK]: link });
}

/** Wrap a handler so it always returns a promise (sync results and throws included). */
export function promised(fn: Terminal): BusNext {
  return (message) => {
    try {
      const result = fn(message);
      return result instanceof Promise ? result : Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/**
 * Compose middleware around a handler once: the returned function allocates nothing per call
 * beyond what the middleware and handler themselves do. Built-ins link themselves in directly, and
 * drop out of routes they have nothing to do for.
 */
export function compose(middleware: readonly BusMiddleware[], terminal: Terminal, info: MessageInfo): BusNext {
  let next = promised(terminal);
  for (let i = middleware.length - 1; i >= 0; i--) {
    const mw = middleware[i]!;
    const link = (mw as { [LINK]?: Link })[LINK];
    if (link !== undefined) {
      next = link(next, info);
      continue;
    }
    const inner = next;
    next = promised((message) => mw(message, inner, info));
  }
  return next;
}
