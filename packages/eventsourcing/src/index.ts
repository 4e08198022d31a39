export { type EventSourcingErrorCode, EventSourcingError, errorCodes, type ExpectedVersion, VersionConflictError } from './errors.js';
export { MemoryEventStore, type MemoryEventStoreOptions, memoryEventStore } from './memory/store.js';
export { FileEventStore, type FileEventStoreOptions, fileEventStore } from './file/store.js';
export { type InlineProjection, inlineProjection } from './projections/inline.js';
export { iterateAll, iterateStream } from './store/iterate.js';
export type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventMetadata,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadOptions,
  RecordedEvent,
  Snapshot,
  StreamInfo,
} from './store/types.js';
