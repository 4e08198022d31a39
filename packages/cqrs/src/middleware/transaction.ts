import type { MessageInfo, BusMiddleware } from './types.js';

/** Runs `work` inside a transaction of your store and returns its result (rolls back when it throws). */
export type TransactionRunner = (work: () => Promise<unknown>, message: object, info: MessageInfo) => Promise<unknown>;

/** Options of the transaction middleware. */
export interface TransactionOptions {
  /** Which routes to wrap; default commands only. */
  when?: (info: MessageInfo) => boolean;
}

/**
 * Wrap each handler run in your store's transaction.
 * @example
 * commandBus.use(transaction((work) => db.transaction(work)));
 */
export function transaction(run: TransactionRunner, options: TransactionOptions = {}): BusMiddleware {
  const when = options.when ?? ((info: MessageInfo) => info.kind === 'command');
  return (message, next, info) => (when(info) ? run(() => next(message), message, info) : next(message));
}
