import { currentContext, type OdyContext, runWithContext } from '@ody/core';
import { linkable } from './compose.js';
import { messageId } from './message-ids.js';
import type { BusMiddleware, BusNext } from './types.js';

/** Ids stamped on a message: its own, its conversation's, and the message that caused it. */
export interface MessageMeta {
  readonly id: string;
  readonly correlationId: string;
  readonly causationId?: string;
}

/** Returns the object it is given, so a subclass can attach its private field to any object. */
class Attach {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the return-override idiom; see MetaSlot
    return target;
  }
}

/**
 * Where a message's ids live: a private field attached to the message itself (the return-override
 * idiom), invisible to spread, JSON, Object.keys, symbols and deep-equality, and allowed on frozen
 * objects too. A WeakMap entry per message made every new command an ephemeron the garbage collector
 * had to trace (~0.6 µs per command, most of the default bus's cost); this costs a few ns.
 */
class MetaSlot extends Attach {
  #meta: MessageMeta;
  private constructor(target: object, meta: MessageMeta) {
    super(target);
    this.#meta = meta;
  }

  static read(message: object): MessageMeta | undefined {
    return #meta in message ? (message as MetaSlot).#meta : undefined;
  }

  static write(message: object, meta: MessageMeta): void {
    new MetaSlot(message, meta);
  }
}

function readMeta(message: object): MessageMeta | undefined {
  return MetaSlot.read(message);
}

function writeMeta(message: object, meta: MessageMeta): void {
  MetaSlot.write(message, meta);
}

/** The ids stamped on a message (by the correlation middleware or an async worker), if any. */
export function messageMeta(message: object): MessageMeta | undefined {
  return readMeta(message);
}

/**
 * Stamp ids on a message, unless it has some: the correlation id of the current context (or a new
 * one), and the causation id of the work that sent it. Returns the ids it carries.
 */
export function stampMessage(message: object, ids?: Partial<MessageMeta>): MessageMeta {
  const existing = readMeta(message);
  if (existing !== undefined) return existing;
  if (ids === undefined) return stampFrom(message, currentContext());
  const ctx = currentContext();
  const meta: MessageMeta = {
    id: ids.id ?? messageId(),
    correlationId: ids.correlationId ?? ctx?.correlationId ?? messageId(),
    causationId: ids.causationId ?? ctx?.causationId,
  };
  writeMeta(message, meta);
  return meta;
}

/**
 * Stamp a message that has no ids yet from the context it is sent in. A message sent outside any
 * context starts a conversation: its correlation id is its own id (one id drawn, not two).
 */
function stampFrom(message: object, ctx: OdyContext | undefined): MessageMeta {
  const id = messageId();
  const meta: MessageMeta =
    ctx === undefined ? { id, correlationId: id, causationId: undefined } : { id, correlationId: ctx.correlationId, causationId: ctx.causationId };
  writeMeta(message, meta);
  return meta;
}

/**
 * The per-call step of the correlation middleware on a composed route: stamp the message, then run
 * the rest of the route in a context whose causation is the message. When the current context is
 * already that one (an async worker enters it before executing the command it took from the queue),
 * no second context is entered.
 */
function correlate(next: BusNext, message: object): Promise<unknown> {
  try {
    const parent = currentContext();
    const meta = readMeta(message) ?? stampFrom(message, parent);
    if (parent === undefined) return runWithContext({ correlationId: meta.correlationId, causationId: meta.id }, next, message);
    if (parent.causationId === meta.id && parent.correlationId === meta.correlationId) return next(message);
    return runWithContext({ ...parent, correlationId: meta.correlationId, causationId: meta.id }, next, message);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Correlation and causation through @ody/core's context: each message gets an id, keeps the current
 * correlation id, records what caused it, and its handler runs with `causationId` = the message's id
 * — so events published by a command's handler carry the command's id as their causation.
 */
export function correlation(): BusMiddleware {
  return linkable(
    (message, next) => correlate(next, message),
    (next) => (message) => correlate(next, message),
  );
}
