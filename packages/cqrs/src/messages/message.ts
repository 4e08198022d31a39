import type { z } from 'zod';

declare const commandResult: unique symbol;
declare const queryResult: unique symbol;

/**
 * Base of a command whose handler returns `TResult`; `commandBus.execute(cmd)` is typed by it.
 * Extend it (`class PlaceOrder extends Command<string> {}`), or type a plain `{ type }` object as one.
 */
export abstract class Command<TResult = void> {
  /** Phantom: carries the result type (and tells commands from queries); never set at run time. */
  declare readonly [commandResult]: () => TResult;
  /** Plain-object commands name themselves with `type`; classes may too (minifier-proof name). */
  declare readonly type?: string;
}

/** Base of a query whose handler returns `TResult`; `queryBus.execute(q)` is typed by it. */
export abstract class Query<TResult = unknown> {
  /** Phantom: carries the result type (and tells queries from commands); never set at run time. */
  declare readonly [queryResult]: () => TResult;
  /** Plain-object queries name themselves with `type`. */
  declare readonly type?: string;
}

/** Base of an event (optional: any class or `{ type }` object can be published). */
export abstract class Event {
  /** Plain-object events name themselves with `type`. */
  declare readonly type?: string;
}

/** The result type a command or query declares. */
export type ResultOf<M> = M extends Command<infer R> ? R : M extends Query<infer R> ? R : unknown;

/** What commandBus.execute accepts: a typed command, or any plain `{ type }` object (result unknown). */
export type CommandInput<R> = Command<R> | PlainMessage;

/** What queryBus.execute accepts: a typed query, or any plain `{ type }` object (result unknown). */
export type QueryInput<R> = Query<R> | PlainMessage;

/** Any message value: a class instance or a plain object with a string `type`. */
export type AnyMessage = object;

/** A plain-object message: names its type with `type`. */
export interface PlainMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A message class. Optional statics: `type` (its name), `schema` (zod), `fromPayload`. */
export interface MessageClass<M extends object = object> {
  // biome-ignore lint/suspicious/noExplicitAny: message constructors take any arguments
  new (...args: any[]): M;
  readonly name: string;
  /** Name used on queues and over HTTP; defaults to the class name. */
  readonly type?: string;
  /** Schema the message is validated against (validation middleware, worker, HTTP adapter). */
  readonly schema?: z.ZodType;
  /** Builds an instance from a validated payload; default: a prototype-linked copy of the payload. */
  fromPayload?(payload: Record<string, unknown>): M;
}

/** A plain-object message type made by defineCommand/defineQuery/defineEvent. */
export interface MessageDefinition<M extends object = object, P = unknown> {
  (payload: P): M;
  /** The `type` every message it makes carries. */
  readonly type: string;
  /** Schema of the payload, if declared. */
  readonly schema?: z.ZodType;
}

/** What identifies a message type when registering a handler: a class, a definition, or a type name. */
// biome-ignore lint/suspicious/noExplicitAny: a definition's payload type does not matter as a key
export type MessageKey<M extends object = object> = MessageClass<M> | MessageDefinition<M, any> | string;

/** The message a key stands for. */
// biome-ignore lint/suspicious/noExplicitAny: see MessageKey
export type MessageOf<K> = K extends MessageClass<infer M> ? M : K extends MessageDefinition<infer M, any> ? M : AnyMessage;

function define<M extends object, P>(type: string, schema?: z.ZodType): MessageDefinition<M, P> {
  const make = (payload: P) => ({ ...(payload as object), type }) as unknown as M;
  return Object.assign(make, { type, schema }) as MessageDefinition<M, P>;
}

/**
 * A plain-object command type.
 * @example
 * const PlaceOrder = defineCommand<{ sku: string }, string>('PlaceOrder');
 * await commandBus.execute(PlaceOrder({ sku: 'a' })); // Promise<string>
 */
export function defineCommand<P extends object, TResult = void>(type: string, options: { schema?: z.ZodType } = {}) {
  return define<P & Command<TResult> & { readonly type: string }, P>(type, options.schema);
}

/** A plain-object query type (see defineCommand). */
export function defineQuery<P extends object, TResult = unknown>(type: string, options: { schema?: z.ZodType } = {}) {
  return define<P & Query<TResult> & { readonly type: string }, P>(type, options.schema);
}

/** A plain-object event type (see defineCommand). */
export function defineEvent<P extends object>(type: string, options: { schema?: z.ZodType } = {}) {
  return define<P & { readonly type: string }, P>(type, options.schema);
}
