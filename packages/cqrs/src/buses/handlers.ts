import type { AnyMessage, ResultOf } from '../messages/message.js';

/** A function answering a command or query. */
export type HandlerFn<M = AnyMessage, R = ResultOf<M>> = (message: M) => R | Promise<R>;

/** A command or query handler object (what `@CommandHandler` classes implement). */
export interface ExecutingHandler<M = AnyMessage, R = ResultOf<M>> {
  execute(message: M): R | Promise<R>;
}

/** An event handler object (what `@EventHandler` classes implement). */
export interface EventHandlerObject<E = AnyMessage> {
  handle(event: E): unknown;
}

/** Anything the command/query buses accept as a handler. */
export type CommandOrQueryHandler<M = AnyMessage, R = ResultOf<M>> = HandlerFn<M, R> | ExecutingHandler<M, R>;

/** Anything the event bus accepts as a handler. */
export type EventHandlerLike<E = AnyMessage> = ((event: E) => unknown) | EventHandlerObject<E>;
