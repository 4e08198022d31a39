import type { MessageInfo, BusMiddleware, BusNext } from './types.js';

/** A handler as the pipeline sees it: may answer synchronously or throw. */
export type Terminal = (message: object) => unknown;

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
 * beyond what the middleware and handler themselves do.
 */
export function compose(middleware: readonly BusMiddleware[], terminal: Terminal, info: MessageInfo): BusNext {
  let next = promised(terminal);
  for (let i = middleware.length - 1; i >= 0; i--) {
    const mw = middleware[i]!;
    const inner = next;
    next = promised((message) => mw(message, inner, info));
  }
  return next;
}
