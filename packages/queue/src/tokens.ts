import { type Token, token } from '@ody/core';
import type { QueueDriver as QueueDriverContract } from './contract/driver.js';
import type { Queues as QueuesApi } from './plugin/queues.js';

/** The application's queues and workers (see queuePlugin); the interface of `app.get(Queues)`. */
export type Queues = QueuesApi;
/** The application's queues and workers (bound by queuePlugin). */
export const Queues: Token<Queues> = token<Queues>('@ody/queue/Queues');

/** What every queue driver implements (memory, filesystem, Redis, …). */
export type QueueDriver = QueueDriverContract;
/** The driver the application's queues use (bound by queuePlugin). */
export const QueueDriver: Token<QueueDriver> = token<QueueDriver>('@ody/queue/QueueDriver');
