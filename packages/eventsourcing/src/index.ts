export { aggregateCommandHandler, type AggregateHandlerOptions, deciderCommandHandler, type DeciderHandlerOptions, type PublishTargets } from './cqrs/handler.js';
export { publishToBus, pushToQueue, toBusMessage } from './cqrs/publish.js';
export { type EventSourcingErrorCode, EventSourcingError, errorCodes as eventsourcingErrorCodes, type ExpectedVersion, VersionConflictError } from './errors.js';
export { FileCheckpointStore } from './file/checkpoints.js';
export { FileEventStoreReader, type FileEventStoreReaderOptions, fileEventStoreReader } from './file/reader.js';
export { FileEventStore, type FileEventStoreOptions, fileEventStore } from './file/store.js';
export { fileEventStoreHolder } from './file/lock.js';
export { MemoryEventStore, type MemoryEventStoreOptions, memoryEventStore } from './memory/store.js';
export { AggregateRoot } from './model/aggregate.js';
export { aggregateModel, deciderModel, type Model } from './model/model.js';
export { EventTypes, type EventTypeOptions, eventTypes } from './model/registry.js';
export {
  aggregateRepository,
  DeciderRepository,
  deciderRepository,
  type Loaded,
  Repository,
  type RepositoryOptions,
  type Saved,
  type SnapshotPolicy,
} from './model/repository.js';
export type { Decider, DomainEvent, LoadedEvent } from './model/types.js';
export { type AsyncProjection, type ProjectionContext, ProjectionRunner, type ProjectionRunnerOptions, type ProjectionStatus } from './projections/async.js';
export { type CheckpointStore, checkpointMoved, type DeadLetter, MemoryCheckpointStore } from './projections/checkpoints.js';
export { type InlineProjection, inlineProjection } from './projections/inline.js';
export { iterateAll, iterateStream } from './store/iterate.js';
export { type SubscribeOptions, subscribe } from './store/subscribe.js';
export type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventMetadata,
  NewEvent,
  ReadAllOptions,
  ReadOptions,
  RecordedEvent,
  Snapshot,
  StreamInfo,
} from './store/types.js';
export { type EventStoreConfig, eventStoreConfigSchema, eventStorePlugin, type EventStorePluginOptions } from './plugin/plugin.js';
export { EventStore, Projections } from './tokens.js';
export { queueTimeouts, SagaRuntime, type SagaRuntimeOptions } from './sagas/runtime.js';
export type { Saga, SagaMessage, SagaReaction, SagaStep, SagaTimeout, ScheduledTimeout } from './sagas/types.js';
