import { join } from 'node:path';
import { type Application, createApplication, definePlugin, type Newable } from '@ody/core';
import { cqrsPlugin, type MessageKey } from '@ody/cqrs';
import { eventStorePlugin, fileEventStoreHolder } from '@ody/eventsourcing';
import { httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { orderHandlers } from './orders/handlers.js';
import { orderRoutes } from './orders/routes.js';
import { Orders, OrderStore } from './orders/store.js';
import { stockRoutes } from './stock/routes.js';
import { stockAggregate } from './stock/stock.js';
import { Stock, StockLevels, stockLevelsProjection } from './stock/stock-levels.js';

/** Which half of the service this process runs: the HTTP API, the command worker, or both. */
export type Role = 'all' | 'api' | 'worker';

/** An event-sourced aggregate as createApp registers it (what `ody make:aggregate` exports). */
export interface Aggregate {
  commands: readonly MessageKey[];
  handlers: readonly Newable<object>[];
}

/** Options of createApp; tests point the folders at a temp dir. */
export interface AppOptions {
  role?: Role;
  config?: Record<string, unknown>;
  ordersDir?: string;
  /** The file event store's folder (default var/events, env ODY_EVENTSTORE_DIR). */
  eventsDir?: string;
  /** Where projections keep their read models (default var/read-models, env READ_MODELS_DIR). */
  readModelsDir?: string;
}

/**
 * Builds the service. Async commands travel on the filesystem queue (var/queue), so an `api`
 * process and any number of `worker` processes on one machine share them.
 *
 * Event-sourced aggregates (src/stock) append to the file event store, which one process at a time
 * writes: the `worker` (or `all`) process opens it, handles the aggregates' commands and runs the
 * projections; an `api` process only dispatches those commands and reads the projections' files.
 * A process that finds the store held by another live process (e.g. `ody routes` or a second worker
 * while the first runs) leaves event sourcing to that one. So work the `stock` queue in one process
 * (`ody queue:work stock`), or use PostgreSQL (`eventstore.driver: 'postgres'`) for many writers.
 */
export function createApp(options: AppOptions = {}): Promise<Application> {
  const role = options.role ?? 'all';
  const ordersDir = options.ordersDir ?? process.env.ORDERS_DIR ?? 'var/orders';
  const readModels = options.readModelsDir ?? process.env.READ_MODELS_DIR ?? 'var/read-models';
  const stock = new StockLevels(join(readModels, 'stock'));
  const eventsDir = process.env.ODY_EVENTSTORE_DIR ?? options.eventsDir ?? 'var/events';
  // Another live process writing the store (its LOCK names it) keeps it; this one leaves event sourcing to it.
  const ownsEvents = role !== 'api' && fileEventStoreHolder(eventsDir) === undefined;
  /** Event-sourced aggregates: commands every process may dispatch, handlers for the event-store process. */
  const aggregates: Aggregate[] = [stockAggregate, /* ody:aggregates */];
  /** Async projections (read sides), run by the event-store process. */
  const projections = [stockLevelsProjection(stock), /* ody:projections */];
  const storePlugin = definePlugin({
    name: 'orders',
    register: (ctx) => {
      ctx.bind(Orders).toValue(new OrderStore(ordersDir));
      ctx.bind(Stock).toValue(stock);
    },
  });
  return createApplication({
    config: {
      app: { name: '{{name}}' },
      ...(role === 'worker' ? {} : { http: { port: 3000 } }),
      queue: { driver: 'filesystem', dir: 'var/queue' },
      cqrs: { worker: { enabled: role !== 'api' } },
      ...(ownsEvents ? { eventstore: { dir: eventsDir } } : {}),
      ...options.config,
    },
    plugins: [
      storePlugin,
      queuePlugin(),
      ...(ownsEvents ? [eventStorePlugin({ projections })] : []),
      cqrsPlugin({
        handlers: [...orderHandlers, ...(ownsEvents ? aggregates.flatMap((a) => a.handlers) : []), /* ody:handlers */],
        messages: { commands: aggregates.flatMap((a) => a.commands) },
      }),
      ...(role === 'worker' ? [] : [httpPlugin({ controllers: [/* ody:controllers */] }), orderRoutes(), stockRoutes()]),
      /* ody:plugins */
    ],
  });
}
