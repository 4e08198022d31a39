import { z } from '@ody/core';
import { defineDriverFactory } from '@ody/queue';
import { natsDriver } from './driver.js';
import type { NatsDriverOptions } from './options.js';

/** The section `queue.nats` (env `ODY_QUEUE_NATS_<KEY>`): NatsDriverOptions that config can carry. */
const natsConfigSchema = z.object({
  /** Server URL(s). Default `NATS_URL`, else 127.0.0.1:4222. */
  servers: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  prefix: z.string().optional(),
  ackWaitMs: z.number().int().min(1).optional(),
  duplicateWindowMs: z.number().int().min(1).optional(),
  pushTimeoutMs: z.number().int().min(1).optional(),
  requestTimeoutMs: z.number().int().min(1).optional(),
  pollMs: z.number().int().min(1).optional(),
  storage: z.enum(['file', 'memory']).optional(),
  replicas: z.number().int().min(1).optional(),
  /** Extra @nats-io/transport-node connection options. */
  connection: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Builds the NATS driver from the config section `queue.nats`, so config can pick it by name: pass it to
 * `queuePlugin({ drivers: { nats: natsDriverFactory } })`, then `queue.driver: 'nats'` (or
 * `ODY_QUEUE_DRIVER=nats`) selects it and `queue.nats.servers` (`ODY_QUEUE_NATS_SERVERS`, else `NATS_URL`)
 * says where. Unknown keys under `queue.nats` fail start. Nothing is registered globally.
 */
export const natsDriverFactory = defineDriverFactory(natsConfigSchema, (config) => {
  const options = { ...config } as NatsDriverOptions;
  if (options.servers === undefined && process.env.NATS_URL) options.servers = process.env.NATS_URL;
  return natsDriver(options);
});
