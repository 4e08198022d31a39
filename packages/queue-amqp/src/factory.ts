import type { QueueDriverFactory } from '@ody/queue';
import { amqpDriver } from './driver.js';
import type { AmqpDriverOptions } from './options.js';

const PASSED = ['url', 'prefix', 'exchange', 'maxPriority', 'pushTimeoutMs', 'dedupeWindowMs', 'pausePollMs', 'holdMs'] as const;

/**
 * Builds the AMQP driver from the `queue` config section, so config can pick it by name: pass it to
 * `queuePlugin({ drivers: { amqp: amqpDriverFactory } })`, then `queue.driver: 'amqp'` (or
 * `ODY_QUEUE_DRIVER=amqp`) selects it. The URL comes from the config's `url`, else `AMQP_URL`.
 * Nothing is registered globally.
 */
export const amqpDriverFactory: QueueDriverFactory = (config) => {
  const options: Record<string, unknown> = {};
  for (const key of PASSED) if (config[key] !== undefined) options[key] = config[key];
  return amqpDriver(options as AmqpDriverOptions);
};
