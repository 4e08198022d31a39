import { currentContext } from '@ody/core';
import { EventSourcingError, type ExpectedVersion, VersionConflictError } from '../errors.js';
import type { EventFilter, EventMetadata, NewEvent, ReadAllOptions, ReadOptions, StreamInfo } from './types.js';

function invalid(message: string, details: Record<string, unknown> = {}): EventSourcingError {
  return new EventSourcingError('ODY_EVENTSOURCING_INVALID_ARGUMENT', message, { details });
}

/** Throws ODY_EVENTSOURCING_INVALID_ARGUMENT unless the stream name is a non-empty string. */
export function checkStream(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > 512) {
    throw invalid(`Stream name must be a non-empty string of at most 512 characters; got ${JSON.stringify(stream)}.`, { stream });
  }
}

/** Throws unless the expected version is one the contract knows. */
export function checkExpected(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no-stream' || expected === 'exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw invalid(`expectedVersion must be a version number ≥ 0, 'no-stream', 'exists' or 'any'; got ${JSON.stringify(expected)}.`, { expected });
}

/** Throws unless every event has a string type, JSON data and a positive integer schema version. */
export function checkEvents(stream: string, events: unknown): asserts events is readonly NewEvent[] {
  if (!Array.isArray(events)) throw invalid(`append('${stream}') needs an array of events.`, { stream });
  events.forEach((e: Partial<NewEvent> | null, i) => {
    if (e === null || typeof e !== 'object' || typeof e.type !== 'string' || e.type.length === 0) {
      throw invalid(`Event ${i} appended to '${stream}' has no string \`type\`.`, { stream, index: i });
    }
    if (e.data === undefined) throw invalid(`Event ${i} ('${e.type}') appended to '${stream}' has no \`data\`.`, { stream, index: i });
    if (e.schemaVersion !== undefined && !(Number.isInteger(e.schemaVersion) && e.schemaVersion >= 1)) {
      throw invalid(`Event ${i} ('${e.type}') has schemaVersion ${String(e.schemaVersion)}; it must be an integer ≥ 1.`, { stream, index: i });
    }
  });
}

/** Throws unless read options are sane. */
export function checkRead(options: ReadOptions | ReadAllOptions): void {
  for (const key of ['from', 'to', 'limit', 'fromPosition'] as const) {
    const v = (options as Record<string, unknown>)[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
      throw invalid(`Read option \`${key}\` must be an integer ≥ 0; got ${JSON.stringify(v)}.`, { [key]: v });
    }
  }
  const dir = (options as ReadOptions).direction;
  if (dir !== undefined && dir !== 'forward' && dir !== 'backward') throw invalid(`Read direction must be 'forward' or 'backward'; got ${JSON.stringify(dir)}.`);
}

/** Whether a stream counts as existing for 'no-stream' / 'exists'. */
export function exists(info: StreamInfo): boolean {
  return info.version > 0 && !info.deleted;
}

/** Throws VersionConflictError when `expected` does not hold for a stream in state `info`. */
export function assertExpected(stream: string, expected: ExpectedVersion, info: StreamInfo): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && !exists(info)) ||
    (expected === 'exists' && exists(info)) ||
    (typeof expected === 'number' && expected === info.version);
  if (!ok) throw new VersionConflictError(stream, expected, info.version);
}

/** Metadata of a new event: the caller's, over correlation/causation ids of the current Ody context. */
export function metadataOf(event: NewEvent): EventMetadata {
  const ctx = currentContext();
  if (ctx === undefined) return { ...event.metadata } as EventMetadata;
  const base: Record<string, unknown> = { correlationId: ctx.correlationId };
  if (ctx.causationId !== undefined) base.causationId = ctx.causationId;
  if (typeof ctx.traceparent === 'string') base.traceparent = ctx.traceparent;
  return { ...base, ...event.metadata } as EventMetadata;
}

/** Whether an event passes a filter. */
export function matches(filter: EventFilter | undefined, e: { type: string; stream: string }): boolean {
  if (filter === undefined) return true;
  if (filter.types !== undefined && !filter.types.includes(e.type)) return false;
  if (filter.streamPrefix !== undefined && !e.stream.startsWith(filter.streamPrefix)) return false;
  return true;
}
