import { handlerMetaOf } from '../decorators/metadata.js';
import { CqrsError } from '../errors.js';
import type { Buses } from './create.js';

/**
 * Register an instance of a class decorated with @CommandHandler/@QueryHandler/@EventHandler on
 * the matching buses. Throws ODY_CQRS_INVALID_HANDLER when the class carries no decorator.
 */
export function registerHandlerInstance(buses: Omit<Buses, 'registry'>, instance: object, cls: object = instance.constructor): void {
  const metas = handlerMetaOf(cls);
  const name = (cls as { name?: string }).name ?? 'handler';
  if (metas.length === 0) {
    throw new CqrsError('ODY_CQRS_INVALID_HANDLER', `Class '${name}' was listed as a handler but has no @CommandHandler, @QueryHandler or @EventHandler.`, {
      details: { handler: name },
    });
  }
  for (const meta of metas) {
    if (meta.kind === 'command') buses.commandBus.register(meta.key, instance as never, { name });
    else if (meta.kind === 'query') buses.queryBus.register(meta.key, instance as never, { name });
    else buses.eventBus.register(meta.key, instance as never, { name: meta.name ?? name, async: meta.async, queue: meta.queue });
  }
}
