import type { z } from 'zod';
import { CqrsError } from '../errors.js';
import { isMessageClass, nameOfKey, nameOfMessage } from './keys.js';
import type { MessageKey } from './message.js';

/** What a message is: which bus it belongs to. */
export type MessageKind = 'command' | 'query' | 'event';

/** One registered message type. */
export interface RegisteredMessage {
  readonly name: string;
  readonly kind: MessageKind;
  readonly key: MessageKey;
  readonly schema?: z.ZodType;
}

/** Turn zod issues into plain `{ path, message }` pairs for error details and problem+json. */
export function issuesOf(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Keys a payload may not carry: they would replace a rebuilt message's prototype or its class lookup. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Copy own enumerable fields as data properties (never through a setter such as `__proto__`). */
function copyFields(target: Record<string, unknown>, fields: Record<string, unknown>, keep?: string): object {
  for (const k of Object.keys(fields)) {
    if (k === keep) continue;
    Object.defineProperty(target, k, { value: fields[k], enumerable: true, writable: true, configurable: true });
  }
  return target;
}

/**
 * Names ↔ message types, fixed at start. Workers and the HTTP adapter only build types found here,
 * from validated payloads: a payload can never name a class to instantiate.
 */
export class MessageRegistry {
  private readonly byName = new Map<string, RegisteredMessage>();

  /** Register a message type (idempotent); two types under one name is an error naming both. */
  register(kind: MessageKind, key: MessageKey): RegisteredMessage {
    const name = nameOfKey(key);
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      if (existing.key === key || (typeof key === 'string' && existing.kind === kind)) return existing;
      if (typeof existing.key === 'string' && existing.kind === kind) {
        // A name-only registration is upgraded by the class or definition that carries the schema.
      } else {
        throw new CqrsError(
          'ODY_CQRS_DUPLICATE_MESSAGE',
          `Two message types are registered under the name '${name}'. Give one a distinct static \`type\`.`,
          { details: { name, kinds: [existing.kind, kind] } },
        );
      }
    }
    const schema = typeof key === 'string' ? undefined : (key as { schema?: z.ZodType }).schema;
    const entry: RegisteredMessage = { name, kind, key, schema };
    this.byName.set(name, entry);
    return entry;
  }

  /** The registered type of that name, or undefined. */
  get(name: string): RegisteredMessage | undefined {
    return this.byName.get(name);
  }

  /** Every registered type. */
  list(): RegisteredMessage[] {
    return [...this.byName.values()];
  }

  /**
   * Build a message of a registered type from an untrusted payload: validate it against the schema,
   * then construct it (static `fromPayload`, or a prototype-linked copy). Throws ODY_CQRS_UNKNOWN_MESSAGE
   * or ODY_CQRS_VALIDATION.
   */
  build(name: string, payload: unknown, kind?: MessageKind): object {
    const entry = this.byName.get(name);
    if (entry === undefined || (kind !== undefined && entry.kind !== kind)) {
      throw new CqrsError('ODY_CQRS_UNKNOWN_MESSAGE', `No ${kind ?? 'message'} type is registered under the name '${name}'.`, {
        details: { name, kind },
      });
    }
    let data: unknown = payload;
    if (entry.schema !== undefined) {
      const parsed = entry.schema.safeParse(payload);
      if (!parsed.success) {
        throw new CqrsError('ODY_CQRS_VALIDATION', `Payload of '${name}' is invalid: ${parsed.error.issues[0]?.message}.`, {
          details: { message: name, issues: issuesOf(parsed.error) },
        });
      }
      data = parsed.data;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new CqrsError('ODY_CQRS_VALIDATION', `Payload of '${name}' must be a JSON object.`, {
        details: { message: name, issues: [{ path: '', message: 'expected an object' }] },
      });
    }
    const fields = data as Record<string, unknown>;
    const forbidden = FORBIDDEN_KEYS.find((k) => Object.hasOwn(fields, k));
    if (forbidden !== undefined) {
      throw new CqrsError('ODY_CQRS_VALIDATION', `Payload of '${name}' has a '${forbidden}' key, which could change what the message is; it was refused.`, {
        details: { message: name, issues: [{ path: forbidden, message: 'key not allowed' }] },
      });
    }
    const key = entry.key;
    if (isMessageClass(key)) {
      if (typeof key.fromPayload === 'function') return key.fromPayload(fields);
      return copyFields(Object.create(key.prototype) as Record<string, unknown>, fields);
    }
    return copyFields({ type: name }, fields, 'type');
  }

  /** The JSON payload of a message (its own enumerable fields), plus its registered name. */
  serialize(message: object): { name: string; payload: Record<string, unknown> } {
    const name = nameOfMessage(message);
    const json = (message as { toJSON?: () => unknown }).toJSON;
    const payload = (typeof json === 'function' ? json.call(message) : { ...message }) as Record<string, unknown>;
    return { name, payload };
  }
}
