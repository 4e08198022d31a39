import { registerQueueDriver } from '@ody/queue';
import { amqpDriver } from './driver.js';
import type { AmqpDriverOptions } from './options.js';

const PASSED = ['url', 'prefix', 'exchange', 'maxPriority', 'pushTimeoutMs', 'dedupeWindowMs', 'pausePollMs', 'holdMs'] as const;

/**
 * Make `driver: 'amqp'` (or `ODY_QUEUE_DRIVER=amqp`) selectable in queuePlugin config; the URL comes from
 * the queue config's `url`, else `AMQP_URL`. Nothing is registered until you call this.
 * @example
 * registerAmqpDriver();
 * createApplication({ plugins: [queuePlugin()], config: { queue: { driver: 'amqp', url: 'amqp://…' } } });
 */
export function registerAmqpDriver(): void {
  registerQueueDriver('amqp', (config) => {
    const options: Record<string, unknown> = {};
    for (const key of PASSED) if (config[key] !== undefined) options[key] = config[key];
    return amqpDriver(options as AmqpDriverOptions);
  });
}
