import { z } from '@ody/core';
import { defineDriverFactory } from '@ody/queue';
import { amqpDriver } from './driver.js';
import type { AmqpDriverOptions } from './options.js';

/** The section `queue.amqp` (env `ODY_QUEUE_AMQP_<KEY>`): AmqpDriverOptions that config can carry. */
const amqpConfigSchema = z.object({
  /** amqp:// or amqps:// URL. Default `AMQP_URL`, else amqp://guest:guest@127.0.0.1:5672. */
  url: z.string().min(1).optional(),
  prefix: z.string().optional(),
  exchange: z.string().optional(),
  bindings: z.record(z.string(), z.array(z.string())).optional(),
  maxPriority: z.number().int().min(0).max(127).optional(),
  pushTimeoutMs: z.number().int().min(1).optional(),
  dedupeWindowMs: z.number().int().min(1).optional(),
  pausePollMs: z.number().int().min(1).optional(),
  holdMs: z.number().int().min(1).optional(),
  /** 'auto' (default), 'delayed-exchange' or 'ttl-queues'. */
  delayMode: z.enum(['auto', 'delayed-exchange', 'ttl-queues']).optional(),
  /** The management API URL (http://user:pass@host:15672): enables oldestWaitingAt (the queue age metric). */
  managementUrl: z.string().min(1).optional(),
  /** Extra rabbitmq-client connection options. */
  connection: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Builds the AMQP driver from the config section `queue.amqp`, so config can pick it by name: pass it to
 * `queuePlugin({ drivers: { amqp: amqpDriverFactory } })`, then `queue.driver: 'amqp'` (or
 * `ODY_QUEUE_DRIVER=amqp`) selects it and `queue.amqp.url` (`ODY_QUEUE_AMQP_URL`, else `AMQP_URL`) says
 * where. Unknown keys under `queue.amqp` fail start. Nothing is registered globally.
 */
export const amqpDriverFactory = defineDriverFactory(amqpConfigSchema, (config) => amqpDriver(config as AmqpDriverOptions));
