import type { z } from 'zod';
import type { MessageKey } from '../messages/message.js';
import type { MessageKind } from '../messages/registry.js';

/** Facts about one route (message type + handler), fixed when the pipeline is composed. */
export interface MessageInfo {
  readonly kind: MessageKind;
  /** The message type's name. */
  readonly name: string;
  /** The handler's name (class or function name). */
  readonly handler: string;
  /** The class, definition or type name the handler was registered for. */
  readonly key: MessageKey;
  /** The message's schema, if it declares one. */
  readonly schema?: z.ZodType;
}

/** Calls the rest of the pipeline (later middleware, then the handler). */
export type BusNext = (message: object) => Promise<unknown>;

/**
 * A bus middleware: `(message, next, info) => Promise<result>`. Composed once per route, so it must
 * not assume anything per call beyond its arguments.
 * @example
 * const timing: BusMiddleware = async (message, next, info) => { const t = performance.now();
 *   try { return await next(message); } finally { console.log(info.name, performance.now() - t); } };
 */
export type BusMiddleware = (message: object, next: BusNext, info: MessageInfo) => Promise<unknown>;
