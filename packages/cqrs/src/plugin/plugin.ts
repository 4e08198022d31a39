import { join } from 'node:path';
import { definePlugin, type Newable, type PluginContext, type z } from '@ody/core';
import { QueueDriver, Queues } from '@ody/queue';
import { FilesystemStatusStore } from '../async/fs-status-store.js';
import { MemoryStatusStore } from '../async/memory-status-store.js';
import { createAsyncCommands } from '../async/runtime.js';
import type { CommandStatusStore as Store } from '../async/status-store.js';
import { type Buses, createBuses } from '../buses/create.js';
import { registerHandlerInstance } from '../buses/register-instance.js';
import { CqrsError } from '../errors.js';
import type { MessageKey } from '../messages/message.js';
import { correlation } from '../middleware/correlation.js';
import { logging } from '../middleware/logging.js';
import type { BusMiddleware } from '../middleware/types.js';
import { validation } from '../middleware/validation.js';
import { RedisStatusStore, type RedisStatusStoreOptions } from '../redis/redis-status-store.js';
import { AsyncRuntime, CommandBus, CommandStatusStore, EventBus, MessageRegistry, QueryBus } from '../tokens.js';
import { type CqrsConfig, cqrsConfigSchema } from './config.js';
import { publishStatusChanges } from './status-channel.js';

/**
 * Options of cqrsPlugin: code (handlers, messages, middleware, setup) and any key of the `cqrs` config
 * section (`attempts`, `routes`, `worker`…), which config and then env override.
 */
export interface CqrsPluginOptions extends Partial<z.input<typeof cqrsConfigSchema>> {
  /** Handler classes decorated with @CommandHandler/@QueryHandler/@EventHandler, built through DI. */
  handlers?: readonly Newable<object>[];
  /** Message types to register even without a local handler (for the HTTP adapter, producers, workers). */
  messages?: { commands?: readonly MessageKey[]; queries?: readonly MessageKey[]; events?: readonly MessageKey[] };
  /** Your middleware per bus, added after the built-ins (correlation, logging, validation). */
  middleware?: { command?: readonly BusMiddleware[]; query?: readonly BusMiddleware[]; event?: readonly BusMiddleware[] };
  /** Functional twin of `handlers`: register handlers on the buses yourself (runs at boot). */
  setup?: (buses: Buses, ctx: PluginContext<CqrsConfig>) => void | Promise<void>;
}

function configOptions(options: CqrsPluginOptions): Partial<z.input<typeof cqrsConfigSchema>> {
  const { handlers: _h, messages: _m, middleware: _w, setup: _s, ...settings } = options;
  return settings;
}

function chooseStore(ctx: PluginContext<CqrsConfig>): Store {
  const driver = ctx.get(QueueDriver);
  const { status } = ctx.config;
  const auto = driver.name === 'memory' ? 'memory' : driver.name === 'redis' ? 'redis' : 'filesystem';
  const kind = status.store === 'auto' ? auto : status.store;
  if (kind === 'memory') return new MemoryStatusStore();
  if (kind === 'redis') {
    // The Redis queue driver exposes its ioredis connection; the store shares it (and opens one
    // duplicate for pub/sub), so this entry point never imports ioredis itself.
    const client = (driver as { client?: unknown }).client;
    if (driver.name !== 'redis' || typeof client !== 'object' || client === null) {
      throw new CqrsError('ODY_CQRS_STATUS_STORE', `cqrs.status.store 'redis' needs the Redis queue driver (queue.driver: 'redis'), but the driver is '${driver.name}'; or bind a RedisStatusStore from @ody/cqrs/redis to CommandStatusStore.`, {
        details: { driver: driver.name },
      });
    }
    return new RedisStatusStore({
      client: client as RedisStatusStoreOptions['client'],
      prefix: status.prefix,
      retentionMs: status.retentionMs,
      ...(status.maxFinished === undefined ? {} : { maxFinished: status.maxFinished }),
      onError: (err) => ctx.logger.warn({ err }, 'command status pub/sub connection error'),
    });
  }
  if (driver.name !== 'filesystem' && driver.name !== 'memory' && status.dir === undefined) {
    ctx.logger.warn({ driver: driver.name }, 'no matching status store for this queue driver: using the filesystem store (one machine only)');
  }
  // The filesystem driver exposes its root directory; statuses live beside its queues.
  const queueDir = (driver as { root?: unknown }).root;
  return new FilesystemStatusStore(status.dir ?? join(typeof queueDir === 'string' ? queueDir : 'var/queue', '.cqrs-status'));
}

function builtIns(config: CqrsConfig, ctx: PluginContext<CqrsConfig>): BusMiddleware[] {
  const list: BusMiddleware[] = [];
  if (config.correlation) list.push(correlation());
  if (config.logging !== false) list.push(logging(ctx.logger, { level: config.logging }));
  if (config.validate) list.push(validation());
  return list;
}

/**
 * Command, query and event buses; with queuePlugin also async commands (dispatch/status/wait),
 * command workers and async event handlers.
 * @example
 * createApplication({ plugins: [queuePlugin(), cqrsPlugin({ handlers: [PlaceOrderHandler] })],
 *   config: { cqrs: { routes: { PlaceOrder: 'orders' } } } });
 */
export const cqrsPlugin = (options: CqrsPluginOptions = {}) =>
  definePlugin({
    name: 'cqrs',
    // websocket: when present, status changes are pushed on per-command channels (no import of it).
    optionalDependsOn: ['queue', 'websocket'],
    configSchema: cqrsConfigSchema,
    // Config-shaped options: defaults < these < config < env.
    options: configOptions(options),
    register(ctx) {
      const buses = createBuses();
      ctx.bind(MessageRegistry).toValue(buses.registry);
      ctx.bind(CommandBus).toValue(buses.commandBus);
      ctx.bind(QueryBus).toValue(buses.queryBus);
      ctx.bind(EventBus).toValue(buses.eventBus);
    },
    async boot(ctx) {
      const buses: Buses = { registry: ctx.get(MessageRegistry), commandBus: ctx.get(CommandBus), queryBus: ctx.get(QueryBus), eventBus: ctx.get(EventBus) };
      const base = builtIns(ctx.config, ctx);
      buses.commandBus.use(...base, ...(options.middleware?.command ?? []));
      buses.queryBus.use(...base, ...(options.middleware?.query ?? []));
      buses.eventBus.use(...base, ...(options.middleware?.event ?? []));
      for (const key of options.messages?.commands ?? []) buses.registry.register('command', key);
      for (const key of options.messages?.queries ?? []) buses.registry.register('query', key);
      for (const key of options.messages?.events ?? []) buses.registry.register('event', key);
      for (const cls of options.handlers ?? []) registerHandlerInstance(buses, ctx.resolve(cls), cls);
      await options.setup?.(buses, ctx);

      if (!ctx.has(Queues)) {
        buses.commandBus.assertHandled();
        buses.queryBus.assertHandled();
        if (buses.eventBus.asyncRoutes().length > 0 || Object.keys(ctx.config.routes).length > 0) {
          throw new CqrsError('ODY_CQRS_NO_QUEUE', 'Async commands or event handlers are configured but no queue plugin is loaded; add queuePlugin() to the plugin list.');
        }
        return;
      }
      const store = ctx.has(CommandStatusStore) ? ctx.get(CommandStatusStore) : chooseStore(ctx);
      const runtime = createAsyncCommands({
        buses,
        store,
        queues: ctx.get(Queues),
        routes: ctx.config.routes,
        defaults: { attempts: ctx.config.attempts, backoff: ctx.config.backoff, timeoutMs: ctx.config.timeoutMs },
        eventQueue: ctx.config.eventQueue,
        worker: {
          concurrency: ctx.config.worker.concurrency,
          leaseMs: ctx.config.worker.leaseMs,
          maxStalls: ctx.config.worker.maxStalls,
          waitMs: ctx.config.worker.waitMs,
        },
        retentionMs: ctx.config.status.retentionMs,
        waitTimeoutMs: ctx.config.waitTimeoutMs,
        logger: ctx.logger,
      });
      const unknown = runtime.routing.unknownTableEntries();
      if (unknown.length > 0) {
        throw new CqrsError('ODY_CQRS_UNKNOWN_MESSAGE', `cqrs.routes names ${unknown.map((n) => `'${n}'`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a registered command.`, {
          details: { names: unknown },
        });
      }
      const working = ctx.config.worker.enabled;
      // A producer-only process needs no local handler for async commands; a worker process does.
      buses.commandBus.assertHandled((name) => !working && runtime.commands.isAsync(name));
      buses.queryBus.assertHandled();
      if (!ctx.has(CommandStatusStore)) ctx.bind(CommandStatusStore).toValue(store);
      ctx.bind(AsyncRuntime).toValue(runtime);
      publishStatusChanges(ctx, runtime);
      if (working) {
        const queues = runtime.startWorkers(ctx.config.worker.queues);
        ctx.logger.debug({ queues: queues.map((w) => w.queue.name), store: store.name }, 'command workers started');
      }
      ctx.onShutdown(async () => {
        await runtime.close({ timeoutMs: ctx.config.worker.closeTimeoutMs });
        await store.close();
      });
    },
  });
