import type { AsyncRouteOptions } from '../async/routing.js';
import type { MessageKey } from '../messages/message.js';
import type { MessageKind } from '../messages/registry.js';

/** What a handler decorator records on a class. */
export interface HandlerMeta {
  readonly kind: MessageKind;
  readonly key: MessageKey;
  readonly async?: boolean;
  readonly queue?: string;
  readonly name?: string;
}

/** What `@Async` records on a command class: its queue, and optionally attempts, backoff, timeoutMs. */
export type AsyncMeta = AsyncRouteOptions;

const HANDLERS = Symbol.for('ody.cqrs.handlers');
const ASYNC = Symbol.for('ody.cqrs.async');

type Marked = { [HANDLERS]?: HandlerMeta[]; [ASYNC]?: AsyncMeta };

/** Record a handler registration on a class (what the decorators call). */
export function markHandler(target: object, meta: HandlerMeta): void {
  const marked = target as Marked;
  const own = Object.hasOwn(marked, HANDLERS) ? marked[HANDLERS]! : [];
  Object.defineProperty(marked, HANDLERS, { value: [...own, meta], configurable: true });
}

/** The handler registrations recorded on a class (empty when it has none). */
export function handlerMetaOf(target: object): readonly HandlerMeta[] {
  return Object.hasOwn(target, HANDLERS) ? (target as Marked)[HANDLERS]! : [];
}

/** Record that a command class runs through a queue (what `@Async` calls). */
export function markAsync(target: object, meta: AsyncMeta): void {
  Object.defineProperty(target, ASYNC, { value: meta, configurable: true });
}

/** The queue route recorded on a command class by `@Async`, if any. */
export function asyncMetaOf(target: unknown): AsyncMeta | undefined {
  if ((typeof target !== 'function' && typeof target !== 'object') || target === null) return undefined;
  return Object.hasOwn(target, ASYNC) ? (target as Marked)[ASYNC] : undefined;
}
