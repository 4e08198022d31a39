import { currentContext, newId, runInContext } from '@ody/core';
import type { Middleware } from './types.js';

/** Ids stamped on a message: its own, its conversation's, and the message that caused it. */
export interface MessageMeta {
  readonly id: string;
  readonly correlationId: string;
  readonly causationId?: string;
}

const metas = new WeakMap<object, MessageMeta>();

/** The ids stamped on a message (by the correlation middleware or an async worker), if any. */
export function messageMeta(message: object): MessageMeta | undefined {
  return metas.get(message);
}

/**
 * Stamp ids on a message, unless it has some: the correlation id of the current context (or a new
 * one), and the causation id of the work that sent it. Returns the ids it carries.
 */
export function stampMessage(message: object, ids: Partial<MessageMeta> = {}): MessageMeta {
  const existing = metas.get(message);
  if (existing !== undefined) return existing;
  const ctx = currentContext();
  const meta: MessageMeta = {
    id: ids.id ?? newId(),
    correlationId: ids.correlationId ?? ctx?.correlationId ?? newId(),
    causationId: ids.causationId ?? ctx?.causationId,
  };
  metas.set(message, meta);
  return meta;
}

/**
 * Correlation and causation through @ody/core's context: each message gets an id, keeps the current
 * correlation id, records what caused it, and its handler runs with `causationId` = the message's id
 * — so events published by a command's handler carry the command's id as their causation.
 */
export function correlation(): Middleware {
  return (message, next) => {
    const meta = stampMessage(message);
    return runInContext({ correlationId: meta.correlationId, causationId: meta.id }, () => next(message));
  };
}
