import { token } from '@ody/core';
import type { QueueDriver } from '../contract/driver.js';
import type { QueueManager } from './queues.js';

/** The application's queues and workers. */
export const Queues = token<QueueManager>('@ody/queue/Queues');
/** The driver the application's queues use. */
export const QueueDriverToken = token<QueueDriver>('@ody/queue/Driver');
