import { defineErrors, OdyError } from '@ody/core';

const errors = defineErrors('eventsourcing', {
  ODY_EVENTSOURCING_VERSION_CONFLICT: { message: 'An append expected a stream version the stream does not have; details carry expected and actual.' },
  ODY_EVENTSOURCING_INVALID_ARGUMENT: { message: 'A stream name, expected version, event or read option is malformed.' },
  ODY_EVENTSOURCING_STORE_CLOSED: { message: 'The event store was used after close().' },
  ODY_EVENTSOURCING_STORE_FAILED: { message: 'The event store hit an I/O error and refuses further writes until it is reopened.' },
  ODY_EVENTSOURCING_STORE_LOCKED: { message: 'Another live process holds the file store directory.' },
  ODY_EVENTSOURCING_READ_ONLY: { message: 'A write (append, delete, snapshot) was sent to a read-only file store reader; write through the process that owns the directory.' },
  ODY_EVENTSOURCING_CORRUPT: { message: 'A stored record is damaged: a file store segment other than the last one, or an unreadable event in Redis.' },
  ODY_EVENTSOURCING_SERVER: { message: "The store's server (Redis or PostgreSQL) refused a command or its connection failed; the message has the reply. A failed append may or may not be stored when the connection dropped during its commit." },
  ODY_EVENTSOURCING_UNKNOWN_EVENT: { message: 'An event type read from the store is not registered, so it cannot be deserialised.' },
  ODY_EVENTSOURCING_INVALID_EVENT: { message: 'Event data failed its registered schema (after upcasting).' },
  ODY_EVENTSOURCING_UPCAST_MISSING: { message: 'No upcaster leads from a stored schema version to the registered one.' },
  ODY_EVENTSOURCING_RETRIES_EXHAUSTED: { message: 'A repository command kept conflicting after its configured retries.' },
  ODY_EVENTSOURCING_CHECKPOINT_MOVED: { message: 'A projection checkpoint was advanced by another runner; the batch was rolled back and is re-read.' },
  ODY_EVENTSOURCING_PROJECTION_FAILED: { message: 'An inline projection threw, so the append was not committed.' },
  ODY_EVENTSOURCING_GIVEN_FAILED: { message: 'A given/when/then specification did not hold.' },
});

/** Codes thrown by @ody/eventsourcing, with what each one means (docs/errors.md is generated from this). */
export const errorCodes = errors.errorCodes;

/** A code thrown by @ody/eventsourcing. */
export type EventSourcingErrorCode = keyof typeof errorCodes;

/** Every error raised by @ody/eventsourcing. */
export class EventSourcingError extends errors.Error {}

/** What an append expected of the stream's version. */
export type ExpectedVersion = number | 'no-stream' | 'exists' | 'any';

/** An append whose expected version did not match; `expected` and `actual` say how. */
export class VersionConflictError extends EventSourcingError {
  /** What the append expected. */
  readonly expected: ExpectedVersion;
  /** The stream's version when the append was checked (0 when the stream has no events). */
  readonly actual: number;
  /** The stream appended to. */
  readonly stream: string;

  constructor(stream: string, expected: ExpectedVersion, actual: number) {
    super(
      'ODY_EVENTSOURCING_VERSION_CONFLICT',
      `Stream '${stream}' is at version ${actual}, but the append expected ${typeof expected === 'number' ? `version ${expected}` : `'${expected}'`}. Reload the stream and decide again.`,
      { details: { stream, expected, actual } },
    );
    this.expected = expected;
    this.actual = actual;
    this.stream = stream;
  }

  /** True for a version conflict from any copy of the package. */
  static isConflict(value: unknown): value is VersionConflictError {
    return OdyError.is(value, 'ODY_EVENTSOURCING_VERSION_CONFLICT');
  }
}
