import type { AsyncRuntime as AsyncRuntimeType, CommandBus as CommandBusType, EventBus as EventBusType, QueryBus as QueryBusType } from '@ody/cqrs';
import type { HttpServer as HttpServerType, Router as RouterType } from '@ody/http';
import type { Queues as QueuesType } from '@ody/queue';
import type { ProcessManager as ProcessManagerType } from '@ody/process';
import type { TaskPool as TaskPoolType } from '@ody/task';
import type { Broadcaster as BroadcasterType } from '@ody/websocket';
import { type Token, token } from '@ody/core';

// The tokens of the packages @ody/otel observes, rebuilt from their ids (tokens are `Symbol.for`), so
// this package imports none of them at run time: each is an optional peer. Internal, not exported.
export const Router: Token<RouterType> = token<RouterType>('@ody/http/Router');
export const HttpServer: Token<HttpServerType> = token<HttpServerType>('@ody/http/HttpServer');
export const Queues: Token<QueuesType> = token<QueuesType>('@ody/queue/Queues');
export const CommandBus: Token<CommandBusType> = token<CommandBusType>('@ody/cqrs/CommandBus');
export const QueryBus: Token<QueryBusType> = token<QueryBusType>('@ody/cqrs/QueryBus');
export const EventBus: Token<EventBusType> = token<EventBusType>('@ody/cqrs/EventBus');
export const WorkerSupervisor: Token<unknown> = token<unknown>('@ody/http/WorkerSupervisor');
export const Broadcaster: Token<BroadcasterType> = token<BroadcasterType>('@ody/websocket/Broadcaster');
export const TaskPool: Token<TaskPoolType> = token<TaskPoolType>('@ody/task/TaskPool');
export const ProcessManager: Token<ProcessManagerType> = token<ProcessManagerType>('@ody/process/ProcessManager');
export const AsyncRuntime: Token<AsyncRuntimeType> = token<AsyncRuntimeType>('@ody/cqrs/AsyncRuntime');
