import { MessageRegistry } from '../messages/registry.js';
import { CommandBus } from './command-bus.js';
import { EventBus } from './event-bus.js';
import { QueryBus } from './query-bus.js';

/** The three buses sharing one message registry. */
export interface Buses {
  readonly registry: MessageRegistry;
  readonly commandBus: CommandBus;
  readonly queryBus: QueryBus;
  readonly eventBus: EventBus;
}

/**
 * Build the buses without the plugin (functional style).
 * @example
 * const { commandBus } = createBuses(); commandBus.register(Ping, () => 'pong');
 */
export function createBuses(): Buses {
  const registry = new MessageRegistry();
  return { registry, commandBus: new CommandBus(registry), queryBus: new QueryBus(registry), eventBus: new EventBus(registry) };
}

/** Register an instance of a decorated handler class on the right buses (what the plugin does per class). */
export { registerHandlerInstance } from './register-instance.js';
