export type { BackoffStrategy } from './contract/backoff.js';
export { type Codec, jsonCodec } from './contract/codec.js';
export {
  type ClaimOptions,
  defineDriverFactory,
  isQueueDriver,
  type ListOptions,
  type QueueDriverFactory,
  type QueueFactorySettings,
  type RecoverResult,
} from './contract/driver.js';
export type {
  BackoffSpec,
  ClaimedJob,
  Encoded,
  FailedJobRecord,
  FailReason,
  JobBackoff,
  JobCounts,
  JobError,
  NewJob,
  PushOptions,
  PushResult,
} from './contract/job.js';
export { type FileSystemDriverOptions, filesystemDriver } from './drivers/filesystem/driver.js';
export { type MemoryDriverOptions, memoryDriver } from './drivers/memory/driver.js';
export { errorCodes as queueErrorCodes, isUnrecoverable, QueueError, type QueueErrorCode, UnrecoverableError } from './errors.js';
export { type QueuePluginOptions, type QueueSettings, queueConfigSchema, queuePlugin } from './plugin/plugin.js';
export type { QueueRef } from './plugin/queues.js';
export type { QueueDriverFactories } from './plugin/registry.js';
export { defineQueue, type QueueDefinition } from './runtime/definition.js';
export { QUEUE_INSTRUMENTATION, type QueueInstrumentation, queueInstrumentation, setQueueInstrumentation } from './runtime/instrumentation.js';
export type { JobHandler, JobContext, Job } from './runtime/job.js';
export { type BulkJob, type FailedJob, type FailedStore, Queue, type QueueOptions } from './runtime/queue.js';
export { Worker, type WorkerEvents, type QueueWorkerOptions } from './runtime/worker.js';
export { QueueDriver, Queues } from './tokens.js';
