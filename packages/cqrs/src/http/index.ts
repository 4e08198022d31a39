import { definePlugin } from '@ody/core';
import { Router } from '@ody/http';
import { CommandBus, EventBus, MessageRegistry, QueryBus } from '../tokens.js';
import { type CqrsHttpOptions, exposeCqrs } from './adapter.js';

export { type CqrsHttpOptions, exposeCqrs, exposedNames } from './adapter.js';
export { toHttpError } from './errors.js';

/**
 * Plugin twin of exposeCqrs: adds the command/query routes to the app's router at boot.
 * @example
 * plugins: [httpPlugin(), queuePlugin(), cqrsPlugin({ handlers }), cqrsHttpPlugin({ commands: [PlaceOrder], queries: [GetOrder] })]
 */
export const cqrsHttpPlugin = (options: CqrsHttpOptions) =>
  definePlugin({
    name: 'cqrs-http',
    dependsOn: ['http', 'cqrs'],
    boot(ctx) {
      const buses = { registry: ctx.get(MessageRegistry), commandBus: ctx.get(CommandBus), queryBus: ctx.get(QueryBus), eventBus: ctx.get(EventBus) };
      exposeCqrs(ctx.get(Router), buses, options);
    },
  });
