export { type Buses, createBuses, registerHandlerInstance } from './buses/create.js';
export type { EventEnqueuer, EventHandlerOptions, EventRoute } from './buses/event-bus.js';
export type { HandlerFailure } from './buses/event-failures.js';
export type { CommandOrQueryHandler, EventHandlerLike, EventHandlerObject, ExecutingHandler, HandlerFn } from './buses/handlers.js';
export { Async, CommandHandler, EventHandler, type EventHandlerDecoratorOptions, QueryHandler } from './decorators/decorators.js';
export { type AsyncMeta, asyncMetaOf, type HandlerMeta, handlerMetaOf } from './decorators/metadata.js';
export { CqrsError, type CqrsErrorCode, errorCodes as cqrsErrorCodes } from './errors.js';
export { isMessageClass, nameOfKey, nameOfMessage } from './messages/keys.js';
export {
  type AnyMessage,
  Command,
  type CommandInput,
  type PlainMessage,
  type QueryInput,
  defineCommand,
  defineEvent,
  defineQuery,
  Event,
  type MessageClass,
  type MessageDefinition,
  type MessageKey,
  type MessageOf,
  Query,
  type ResultOf,
} from './messages/message.js';
export type { MessageKind, RegisteredMessage } from './messages/registry.js';
export { correlation, type MessageMeta, messageMeta, stampMessage } from './middleware/correlation.js';
export { type LoggingOptions, logging } from './middleware/logging.js';
export { type RetryOn, type RetryOptions, retry } from './middleware/retry.js';
export { type TransactionOptions, type TransactionRunner, transaction } from './middleware/transaction.js';
export type { MessageInfo, BusMiddleware, BusNext } from './middleware/types.js';
export { validation } from './middleware/validation.js';
export type {
  AsyncCommandPort,
  CommandRecord,
  CommandState,
  DispatchOptions,
  DispatchReceipt,
  RecordedError,
  WaitOptions,
} from './async/types.js';
export type { AsyncCommands, AsyncCommandsOptions } from './async/async-commands.js';
export type { CommandEnvelope, Envelope, EventEnvelope } from './async/envelope.js';
export { FilesystemStatusStore } from './async/fs-status-store.js';
export { MemoryStatusStore } from './async/memory-status-store.js';
export type { MessageWorker } from './async/message-worker.js';
export type { AsyncRoute, AsyncRouteOptions, AsyncRouting } from './async/routing.js';
export { type AsyncRuntimeOptions, createAsyncCommands } from './async/runtime.js';
export { type CreateResult, isFinished, type StatusPatch } from './async/status-store.js';
export { type CommandStatusEmitter, type CommandStatusEvents, commandChannel } from './async/status-events.js';
export { type CqrsConfig, cqrsConfigSchema } from './plugin/config.js';
export { type CqrsPluginOptions, cqrsPlugin } from './plugin/plugin.js';
export { AsyncRuntime, CommandBus, CommandStatusStore, EventBus, MessageRegistry, QueryBus } from './tokens.js';
