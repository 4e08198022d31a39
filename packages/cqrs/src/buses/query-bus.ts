import type { MessageKey, MessageOf, QueryInput, ResultOf } from '../messages/message.js';
import { MessageRegistry } from '../messages/registry.js';
import type { CommandOrQueryHandler } from './handlers.js';
import { SingleHandlerBus } from './single-handler-bus.js';

/**
 * Answers each query with its one handler, through the bus middleware.
 * @example
 * bus.register(GetOrder, (q) => orders.get(q.id));
 * const order = await bus.execute(new GetOrder('o-1'));
 */
export class QueryBusImpl extends SingleHandlerBus {
  constructor(registry: MessageRegistry = new MessageRegistry()) {
    super('query', registry);
  }

  /** Register the one handler of a query type (function or object with execute()). */
  register<K extends MessageKey>(
    query: K,
    handler: CommandOrQueryHandler<MessageOf<K>, ResultOf<MessageOf<K>>>,
    options: { name?: string } = {},
  ): this {
    this.add(query, handler, options.name);
    return this;
  }

  /** Run a query and resolve with its handler's answer. */
  execute<R>(query: QueryInput<R>): Promise<R> {
    return this.run(query) as Promise<R>;
  }
}
