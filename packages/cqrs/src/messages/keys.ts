import { CqrsError } from '../errors.js';
import type { MessageClass, MessageDefinition, MessageKey } from './message.js';

/** True for a message class (not a definition, not a name). */
export function isMessageClass(key: unknown): key is MessageClass {
  return typeof key === 'function' && key.prototype !== undefined && key !== Object;
}

/** The name a message type travels under (queues, HTTP, logs). */
export function nameOfKey(key: MessageKey): string {
  if (typeof key === 'string') return key;
  if (isMessageClass(key)) return Object.hasOwn(key, 'type') && typeof key.type === 'string' ? key.type : key.name;
  if (typeof key === 'function' && typeof (key as MessageDefinition).type === 'string') return key.type;
  throw new CqrsError('ODY_CQRS_INVALID_MESSAGE', `${String(key)} is not a message class, definition or type name.`);
}

/** What a route map is keyed by: the class itself, or the type name for plain objects and definitions. */
export function lookupKeyOf(key: MessageKey): unknown {
  return isMessageClass(key) ? key : nameOfKey(key);
}

/** Name of a message value: its class's name, or its `type` for plain objects. */
export function nameOfMessage(message: object): string {
  const type = (message as { type?: unknown }).type;
  const ctor = (message as { constructor?: unknown }).constructor;
  if (isMessageClass(ctor)) return nameOfKey(ctor);
  if (typeof type === 'string') return type;
  throw new CqrsError(
    'ODY_CQRS_INVALID_MESSAGE',
    'A message must be a class instance or a plain object with a string `type`; got a plain object without one.',
  );
}

/** A readable name for a handler (class or function), for errors and logs. */
export function nameOfHandler(handler: unknown): string {
  if (typeof handler === 'function') return handler.name || 'anonymous handler';
  if (typeof handler === 'object' && handler !== null) return handler.constructor?.name || 'handler object';
  return String(handler);
}
