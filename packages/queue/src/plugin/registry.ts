import { isQueueDriver, type QueueDriver, type QueueDriverFactory, type QueueFactorySettings } from '../contract/driver.js';
import { filesystemDriver } from '../drivers/filesystem/driver.js';
import { memoryDriver } from '../drivers/memory/driver.js';
import { QueueError } from '../errors.js';

/** Driver factories by name, chosen by `queue.driver` in config or `ODY_QUEUE_DRIVER`. */
export type QueueDriverFactories = Readonly<Record<string, QueueDriverFactory>>;

/** The drivers @ody/queue ships; a plugin's `drivers` option adds to them (no global registry). */
export const BUILT_IN_DRIVERS: QueueDriverFactories = {
  memory: () => memoryDriver(),
  // The filesystem driver's settings are the plugin's own `dir` and `durable` keys.
  filesystem: (_own, settings) => filesystemDriver({ dir: settings.dir, durable: settings.durable }),
};

/**
 * Build a driver from a name (built-in or in `named`), a factory or an instance. A factory gets its own
 * section (`queue.<name>`; `{}` for an unnamed one) and the plugin's settings.
 */
export async function createQueueDriver(
  driver: string | QueueDriverFactory | QueueDriver,
  own: Record<string, unknown>,
  settings: QueueFactorySettings,
  named: QueueDriverFactories = {},
): Promise<QueueDriver> {
  if (isQueueDriver(driver)) return driver;
  let factory: QueueDriverFactory | undefined;
  if (typeof driver === 'function') factory = driver;
  else {
    const known = { ...BUILT_IN_DRIVERS, ...named };
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
  const built = await factory(own, settings);
  if (!isQueueDriver(built)) {
    throw new QueueError('ODY_QUEUE_DRIVER_INVALID', `Queue driver factory for '${typeof driver === 'string' ? driver : 'custom'}' did not return a queue driver.`, {
      details: { driver: typeof driver === 'string' ? driver : 'custom' },
    });
  }
  return built;
}
