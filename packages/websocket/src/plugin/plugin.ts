import { availableParallelism } from 'node:os';
import { definePlugin, type Plugin, token, type z } from '@ody/core';
import type { Adapter } from '../adapters/adapter.js';
import { LocalAdapter } from '../adapters/local.js';
import { WorkerAdapter } from '../adapters/worker.js';
import { Broadcaster } from '../broadcaster.js';
import { WebSocketHub } from '../server/hub.js';
import type { WebSocketHooks } from '../server/options.js';
import { listenStandalone, type StandaloneServer } from '../server/standalone.js';
import { type WebSocketConfig, websocketConfigSchema } from './config.js';
import { HttpConfigToken, HttpServer } from '@ody/http';
import { httpWorkerCount } from './http-link.js';

/** DI token of the WebSocket hub (the Broadcaster plus server internals such as localConnectionCount). */
export const WebSocketHubToken = token<WebSocketHub<unknown>>('@ody/websocket/WebSocketHub');

/** Options of websocketPlugin: the hooks, and optionally an adapter built in code (e.g. redisAdapter). */
/**
 * Options of websocketPlugin: the hooks, an adapter factory, and any key of the `websocket` config
 * section (`path`, `maxPayload`…), which config and then env override.
 */
export interface WebSocketPluginOptions<User = unknown> extends WebSocketHooks<User>, Partial<Omit<z.input<typeof websocketConfigSchema>, 'adapter'>> {
  /** Adapter instance; overrides the `adapter` config key. Called once per Application (per worker). */
  adapter?: () => Adapter;
}

function chooseAdapter(config: WebSocketConfig, workers: number): Adapter {
  if (config.adapter === 'worker' || (config.adapter === 'auto' && workers > 0)) {
    return new WorkerAdapter({ name: config.workerChannel });
  }
  return new LocalAdapter();
}

/**
 * The WebSocket plugin. With @ody/http in the application it adds the upgrade route to the same uWS
 * app and port (and, when http runs worker threads, relays across them); without it, it listens on
 * `websocket.port`. Binds `Broadcaster` and `WebSocketHubToken`.
 * @example
 * createApplication({
 *   plugins: [httpPlugin(), websocketPlugin({ authenticate: (req) => userFrom(req.headers.authorization) })],
 * });
 */
export function websocketPlugin<User = unknown>(options: WebSocketPluginOptions<User> = {}): Plugin<typeof websocketConfigSchema> {
  let standalone: StandaloneServer<User> | undefined;
  let standaloneHub: WebSocketHub<User> | undefined;
  const { adapter: makeAdapter, authenticate, authorizeChannel, canPublish, presenceMember, ...settings } = options;
  const hooks: WebSocketHooks<User> = { authenticate, authorizeChannel, canPublish, presenceMember };
  return definePlugin({
    name: 'websocket',
    optionalDependsOn: ['http'],
    configSchema: websocketConfigSchema,
    // Config-shaped options: defaults < these < config < env.
    options: settings,
    register(ctx) {
      const withHttp = ctx.has(HttpServer);
      const workers = withHttp ? httpWorkerCount(ctx.get(HttpConfigToken), availableParallelism()) : 0;
      const adapter = makeAdapter ? makeAdapter() : chooseAdapter(ctx.config, workers);
      const hubOptions = { ...ctx.config, ...hooks, adapter, logger: ctx.logger };
      const hub = new WebSocketHub<User>(hubOptions);
      if (withHttp) {
        const server = ctx.get(HttpServer);
        // The main thread of a worker-mode server never listens; its hub only relays and reads presence.
        if (!(workers > 0 && ctx.worker.isMain)) hub.attach(server.app);
        server.onClose(() => hub.close());
      } else {
        standaloneHub = hub;
      }
      ctx.bind(WebSocketHubToken).toValue(hub as WebSocketHub<unknown>);
      ctx.bind(Broadcaster).toValue(hub);
    },
    async boot(ctx) {
      if (standaloneHub) {
        // Standalone: the hub gets its own app and port; the bound hub object stays the same.
        standalone = await listenStandalone(standaloneHub, { port: ctx.config.port, host: ctx.config.host });
        ctx.logger.info({ url: standalone.url, engine: standalone.engine }, 'websocket server listening');
        return;
      }
      await ctx.get(WebSocketHubToken).start();
    },
    async shutdown(ctx) {
      if (standalone) await standalone.close();
      standalone = undefined;
      await ctx.get(WebSocketHubToken).close();
    },
  });
}
