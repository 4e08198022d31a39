import { currentContext, runInContext } from '@ody/core';
import { messageId } from './message-ids.js';
import type { BusMiddleware } from './types.js';

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
export function stampMessage(message: object, ids: Partial<MessageMeta> = {}): MessageMeta {
  const existing = readMeta(message);
  if (existing !== undefined) return existing;
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
 * Correlation and causation through @ody/core's context: each message gets an id, keeps the current
 * correlation id, records what caused it, and its handler runs with `causationId` = the message's id
 * — so events published by a command's handler carry the command's id as their causation.
 */
export function correlation(): BusMiddleware {
  return (message, next) => {
    const meta = stampMessage(message);
    return runInContext({ correlationId: meta.correlationId, causationId: meta.id }, () => next(message));
  };
}
