import { MessageRegistry } from '../messages/registry.js';
import { CommandBusImpl } from './command-bus.js';
import { EventBusImpl } from './event-bus.js';
import { QueryBusImpl } from './query-bus.js';

/** The three buses sharing one message registry. */
export interface Buses {
  readonly registry: MessageRegistry;
  readonly commandBus: CommandBusImpl;
  readonly queryBus: QueryBusImpl;
  readonly eventBus: EventBusImpl;
}

/**
 * Build the buses without the plugin (functional style).
 * @example
 * const { commandBus } = createBuses(); commandBus.register(Ping, () => 'pong');
 */
export function createBuses(): Buses {
  const registry = new MessageRegistry();
  return { registry, commandBus: new CommandBusImpl(registry), queryBus: new QueryBusImpl(registry), eventBus: new EventBusImpl(registry) };
}

/** Register an instance of a decorated handler class on the right buses (what the plugin does per class). */
export { registerHandlerInstance } from './register-instance.js';
