import type { QueueDriverFactory } from '@ody/queue';
import { natsDriver } from './driver.js';
import type { NatsDriverOptions } from './options.js';

const PASSED = ['servers', 'prefix', 'ackWaitMs', 'duplicateWindowMs', 'pushTimeoutMs', 'requestTimeoutMs', 'pollMs', 'storage', 'replicas', 'connection'] as const;

/**
 * Builds the NATS driver from the `queue` config section, so config can pick it by name: pass it to
 * `queuePlugin({ drivers: { nats: natsDriverFactory } })`, then `queue.driver: 'nats'` (or
 * `ODY_QUEUE_DRIVER=nats`) selects it. The servers come from the config's `servers` (or `url`), else
 * `NATS_URL`. Nothing is registered globally.
 */
export const natsDriverFactory: QueueDriverFactory = (config) => {
  const options: Record<string, unknown> = {};
  for (const key of PASSED) if (config[key] !== undefined) options[key] = config[key];
  if (options.servers === undefined && typeof config.url === 'string') options.servers = config.url;
  if (options.servers === undefined && process.env.NATS_URL) options.servers = process.env.NATS_URL;
  return natsDriver(options as NatsDriverOptions);
};
