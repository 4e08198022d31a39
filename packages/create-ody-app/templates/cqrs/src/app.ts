import { type Application, createApplication, definePlugin } from '@ody/core';
import { cqrsPlugin } from '@ody/cqrs';
import { httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { orderHandlers } from './orders/handlers.js';
import { orderRoutes } from './orders/routes.js';
import { Orders, OrderStore } from './orders/store.js';

/** Which half of the service this process runs: the HTTP API, the command worker, or both. */
export type Role = 'all' | 'api' | 'worker';

/** Options of createApp; tests point the folders at a temp dir. */
export interface AppOptions {
  role?: Role;
  config?: Record<string, unknown>;
  ordersDir?: string;
}

/**
 * Builds the service. Async commands travel on the filesystem queue (var/queue), so an `api`
 * process and any number of `worker` processes on one machine share them.
 */
export function createApp(options: AppOptions = {}): Promise<Application> {
  const role = options.role ?? 'all';
  const ordersDir = options.ordersDir ?? process.env.ORDERS_DIR ?? 'var/orders';
  const storePlugin = definePlugin({
    name: 'orders',
    register: (ctx) => ctx.bind(Orders).toValue(new OrderStore(ordersDir)),
  });
  return createApplication({
    config: {
      app: { name: '{{name}}' },
      ...(role === 'worker' ? {} : { http: { port: 3000 } }),
      queue: { driver: 'filesystem', dir: 'var/queue' },
      cqrs: { worker: { enabled: role !== 'api' } },
      ...options.config,
    },
    plugins: [
      storePlugin,
      queuePlugin(),
      cqrsPlugin({ handlers: [...orderHandlers, /* ody:handlers */] }),
      ...(role === 'worker' ? [] : [httpPlugin({ controllers: [/* ody:controllers */] }), orderRoutes()]),
      /* ody:plugins */
    ],
  });
}
