import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with a unit of work: HTTP request → bus → queue → handler → WebSocket. */
export interface OdyContext {
  /** Shared by everything caused, directly or not, by one outside request. */
  readonly correlationId: string;
  /** Id of the message or request that caused the current work, if any. */
  readonly causationId?: string;
  readonly [key: string]: unknown;
}

const storage = new AsyncLocalStorage<OdyContext>();

/** A new random id for correlation, causation or messages. */
export function newId(): string {
  return randomUUID();
}

/** The context of the running work, or undefined outside any. */
export function currentContext(): OdyContext | undefined {
  return storage.getStore();
}

/**
 * Run `fn` inside a context. Missing fields are inherited from the current context; a
 * correlation id is generated when there is none.
 * @example
 * await runInContext({ correlationId: req.headers['x-correlation-id'] }, () => bus.execute(cmd));
 */
export function runInContext<R>(values: Partial<OdyContext>, fn: () => R): R {
  const parent = storage.getStore();
  const correlationId = values.correlationId ?? parent?.correlationId ?? newId();
  return storage.run({ ...parent, ...values, correlationId }, fn);
}

/**
 * Run `fn(arg)` with exactly `ctx` as the context: no merging with the current one and no id generated.
 * The allocation-free form of runInContext for hot paths that build the whole context themselves
 * (the cqrs correlation middleware).
 * @example
 * runWithContext({ correlationId: 'c-1', causationId: 'm-1' }, handle, message);
 */
export function runWithContext<A, R>(ctx: OdyContext, fn: (arg: A) => R, arg: A): R {
  return storage.run(ctx, fn, arg);
}
