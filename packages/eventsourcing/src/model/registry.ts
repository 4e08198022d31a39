import type { z } from '@ody/core';
import { EventSourcingError } from '../errors.js';
import type { NewEvent, RecordedEvent } from '../store/types.js';
import type { DomainEvent, LoadedEvent } from './types.js';

/** How one event type is stored and read back. */
export interface EventTypeOptions {
  /** The shape version new events are written with (default 1). */
  schemaVersion?: number;
  /** Checked on read (after upcasting) and on write. */
  schema?: z.ZodType;
  /** Upcasters keyed by the version they read: `{ 1: v1 => v2, 2: v2 => v3 }`. */
  upcast?: Readonly<Record<number, (data: never) => unknown>>;
}

interface Entry {
  readonly schemaVersion: number;
  readonly schema?: z.ZodType;
  readonly upcast: Readonly<Record<number, (data: never) => unknown>>;
}

/**
 * The event types an application stores. Reads only build registered types (never a class named by
 * the payload), upcast old schema versions step by step to the current one, and validate the result.
 * @example
 * const types = eventTypes()
 *   .register('OrderPlaced', { schemaVersion: 3, upcast: { 1: (d: V1) => ({ ...d, qty: 1 }), 2: (d: V2) => ({ ...d, currency: 'EUR' }) } });
 */
export class EventTypes {
  private readonly entries = new Map<string, Entry>();

  /** Register an event type (a second registration of a name replaces the first). */
  register(type: string, options: EventTypeOptions = {}): this {
    const schemaVersion = options.schemaVersion ?? 1;
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
      throw new EventSourcingError('ODY_EVENTSOURCING_INVALID_ARGUMENT', `Event type '${type}' has schemaVersion ${schemaVersion}; it must be an integer ≥ 1.`);
    }
    this.entries.set(type, { schemaVersion, schema: options.schema, upcast: options.upcast ?? {} });
    return this;
  }

  /** Whether a type name is registered. */
  has(type: string): boolean {
    return this.entries.has(type);
  }

  /** Registered type names. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** A domain event as a store event, stamped with its current schema version (validated if a schema is set). */
  toNew(event: DomainEvent): NewEvent {
    const entry = this.entry(event.type, 'write');
    const data = this.validate(event.type, entry, event.data);
    return { type: event.type, data, schemaVersion: entry.schemaVersion };
  }

  /** A stored event as a domain event: upcast to the current version, validated. */
  fromRecorded<E extends DomainEvent = DomainEvent>(recorded: RecordedEvent): LoadedEvent<E> {
    const entry = this.entry(recorded.type, 'read');
    let data: unknown = recorded.data;
    for (let v = recorded.schemaVersion; v < entry.schemaVersion; v++) {
      const step = entry.upcast[v];
      if (step === undefined) {
        throw new EventSourcingError(
          'ODY_EVENTSOURCING_UPCAST_MISSING',
          `Event '${recorded.type}' at ${recorded.stream}@${recorded.streamPosition} is schema version ${recorded.schemaVersion}, but no upcaster reads version ${v} (current is ${entry.schemaVersion}). Add \`upcast: { ${v}: … }\`.`,
          { details: { type: recorded.type, stored: recorded.schemaVersion, missing: v, current: entry.schemaVersion } },
        );
      }
      data = step(data as never);
    }
    data = this.validate(recorded.type, entry, data);
    return { type: recorded.type, data, recorded } as unknown as LoadedEvent<E>;
  }

  private entry(type: string, what: 'read' | 'write'): Entry {
    const entry = this.entries.get(type);
    if (entry === undefined) {
      throw new EventSourcingError(
        'ODY_EVENTSOURCING_UNKNOWN_EVENT',
        `Event type '${type}' is not registered, so it cannot be ${what === 'read' ? 'deserialised' : 'stored'}. Register it with eventTypes().register('${type}').`,
        { details: { type, known: this.names() } },
      );
    }
    return entry;
  }

  private validate(type: string, entry: Entry, data: unknown): unknown {
    if (entry.schema === undefined) return data;
    const parsed = entry.schema.safeParse(data);
    if (parsed.success) return parsed.data;
    throw new EventSourcingError('ODY_EVENTSOURCING_INVALID_EVENT', `Data of event '${type}' does not match its schema: ${parsed.error.issues[0]?.message}.`, {
      details: { type, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
    });
  }
}

/** A new, empty event type registry. */
export function eventTypes(): EventTypes {
  return new EventTypes();
}
