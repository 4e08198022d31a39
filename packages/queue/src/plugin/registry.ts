import { isQueueDriver, type QueueDriver, type QueueDriverFactory } from '../contract/driver.js';
import { filesystemDriver } from '../drivers/filesystem/driver.js';
import { memoryDriver } from '../drivers/memory/driver.js';
import { QueueError } from '../errors.js';

/** Driver factories by name, chosen by `queue.driver` in config or `ODY_QUEUE_DRIVER`. */
export type QueueDriverFactories = Readonly<Record<string, QueueDriverFactory>>;

/** The drivers @ody/queue ships; a plugin's `drivers` option adds to them (no global registry). */
const BUILT_IN: QueueDriverFactories = {
  memory: () => memoryDriver(),
  filesystem: (o) => filesystemDriver({ dir: typeof o.dir === 'string' ? o.dir : 'var/queue', durable: o.durable !== false, ...(typeof o.pollMs === 'number' ? { pollMs: o.pollMs } : {}) }),
};

/** Build a driver from a name (built-in or in `named`), a factory or an instance. */
export async function createQueueDriver(
  driver: string | QueueDriverFactory | QueueDriver,
  options: Record<string, unknown> = {},
  named: QueueDriverFactories = {},
): Promise<QueueDriver> {
  if (isQueueDriver(driver)) return driver;
  let factory: QueueDriverFactory | undefined;
  if (typeof driver === 'function') factory = driver;
  else {
    const known = { ...BUILT_IN, ...named };
    factory = Object.hasOwn(known, driver) ? known[driver] : undefined;
    if (factory === undefined) {
      const names = Object.keys(known).sort();
      throw new QueueError(
        'ODY_QUEUE_DRIVER_UNKNOWN',
        `Queue driver '${driver}' is not known. Known: ${names.join(', ')}. Pass it to the plugin: queuePlugin({ drivers: { ${driver}: factory } }) to pick it by name, or queuePlugin({ driver: ${driver}Driver({ … }) }).`,
        { details: { driver, known: names } },
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
