import { token } from '@ody/core';
import type { AsyncRuntime as AsyncRuntimeType } from './async/runtime.js';
import type { CommandStatusStore as StatusStoreType } from './async/status-store.js';
import type { CommandBusImpl } from './buses/command-bus.js';
import type { EventBusImpl } from './buses/event-bus.js';
import type { QueryBusImpl } from './buses/query-bus.js';
import type { MessageRegistry as RegistryType } from './messages/registry.js';

/** The command bus: execute, register, use, and (with a queue) dispatch/status/wait. */
export type CommandBus = CommandBusImpl;
/** DI token of the command bus: `app.get(CommandBus)`, `@inject(CommandBus)`. */
export const CommandBus = token<CommandBus>('@ody/cqrs/CommandBus');

/** The query bus: execute, register, use. */
export type QueryBus = QueryBusImpl;
/** DI token of the query bus. */
export const QueryBus = token<QueryBus>('@ody/cqrs/QueryBus');

/** The event bus: publish, register, use. */
export type EventBus = EventBusImpl;
/** DI token of the event bus. */
export const EventBus = token<EventBus>('@ody/cqrs/EventBus');

/** Names ↔ message types of the application. */
export type MessageRegistry = RegistryType;
/** DI token of the message registry. */
export const MessageRegistry = token<MessageRegistry>('@ody/cqrs/MessageRegistry');

/** Where async command statuses live. */
export type CommandStatusStore = StatusStoreType;
/** DI token of the status store; bind it in your own plugin (before cqrs) to use another store (e.g. Redis). */
export const CommandStatusStore = token<CommandStatusStore>('@ody/cqrs/CommandStatusStore');

/** The async runtime (workers, routing), bound when the queue plugin is present. */
export type AsyncRuntime = AsyncRuntimeType;
/** DI token of the async runtime. */
export const AsyncRuntime = token<AsyncRuntime>('@ody/cqrs/AsyncRuntime');
