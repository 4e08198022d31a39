export { type BackoffStrategy, backoffDelay } from './contract/backoff.js';
export { type Codec, jsonCodec } from './contract/codec.js';
export {
  type ClaimOptions,
  isQueueDriver,
  type ListOptions,
  type QueueDriver,
  type QueueDriverFactory,
  type RecoverResult,
} from './contract/driver.js';
export type {
  BackoffSpec,
  ClaimedJob,
  Encoded,
  FailedJobRecord,
  FailReason,
  JobCounts,
  JobError,
  NewJob,
  PushOptions,
  PushResult,
} from './contract/job.js';
export { FileSystemDriver, type FileSystemDriverOptions, filesystemDriver } from './drivers/filesystem/driver.js';
export { MemoryDriver, type MemoryDriverOptions, memoryDriver } from './drivers/memory/driver.js';
export { errorCodes, isUnrecoverable, QueueError, type QueueErrorCode, UnrecoverableError } from './errors.js';
export { type QueuePluginOptions, queueConfigSchema, queuePlugin } from './plugin/plugin.js';
export { QueueManager, type QueuesDefaults } from './plugin/queues.js';
export { createQueueDriver, queueDriverNames, registerQueueDriver } from './plugin/registry.js';
export { QueueDriverToken, Queues } from './plugin/tokens.js';
export type { Handler, HandlerContext, Job } from './runtime/job.js';
export { type BulkJob, type FailedJob, type FailedStore, Queue, type QueueOptions } from './runtime/queue.js';
export { Worker, type WorkerEvents, type WorkerOptions } from './runtime/worker.js';
