import { isQueueDriver, type QueueDriver, type QueueDriverFactory } from '../contract/driver.js';
import { filesystemDriver } from '../drivers/filesystem/driver.js';
import { memoryDriver } from '../drivers/memory/driver.js';
import { QueueError } from '../errors.js';

const registry = new Map<string, QueueDriverFactory>([
  ['memory', () => memoryDriver()],
  [
    'filesystem',
    (o) => filesystemDriver({ dir: typeof o.dir === 'string' ? o.dir : 'var/queue', durable: o.durable !== false, ...(typeof o.pollMs === 'number' ? { pollMs: o.pollMs } : {}) }),
  ],
]);

/**
 * Make a driver selectable by name in `queuePlugin` config (`driver: 'redis'`, `ODY_QUEUE_DRIVER=redis`).
 * @example
 * registerQueueDriver('redis', (options) => redisDriver({ url: String(options.url) }));
 */
export function registerQueueDriver(name: string, factory: QueueDriverFactory): void {
  registry.set(name, factory);
}

/** Names of registered drivers. */
export function queueDriverNames(): string[] {
  return [...registry.keys()].sort();
}

/** Build a driver from a registered name, a factory or an instance. */
export async function createQueueDriver(
  driver: string | QueueDriverFactory | QueueDriver,
  options: Record<string, unknown> = {},
): Promise<QueueDriver> {
  if (isQueueDriver(driver)) return driver;
  let factory: QueueDriverFactory | undefined;
  if (typeof driver === 'function') factory = driver;
  else {
    factory = registry.get(driver);
    if (factory === undefined) {
      throw new QueueError(
        'ODY_QUEUE_DRIVER_UNKNOWN',
        `Queue driver '${driver}' is not registered. Known: ${queueDriverNames().join(', ')}. Import its package (e.g. @ody/queue-redis) or call registerQueueDriver().`,
        { details: { driver, known: queueDriverNames() } },
      );
    }
  }
  const built = await factory(options);
  if (!isQueueDriver(built)) {
    throw new QueueError('ODY_QUEUE_DRIVER_INVALID', `Queue driver factory for '${typeof driver === 'string' ? driver : 'custom'}' did not return a queue driver.`, {
      details: { driver: typeof driver === 'string' ? driver : 'custom' },
    });
  }
  return built;
}
