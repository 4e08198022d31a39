import { type EngineApp, type EngineChoice, engineChoice, resolveEngine } from '@ody/http';
import { WebSocketError } from '../errors.js';
import { WebSocketHub } from './hub.js';
import type { WebSocketServerOptions } from './options.js';

/** Options of a standalone server: the hub's options plus where to listen. */
export interface StandaloneOptions<User = unknown> extends WebSocketServerOptions<User> {
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Host; default 127.0.0.1. */
  host?: string;
  /** Engine, as @ody/http's `http.engine` (default auto; env ODY_HTTP_ENGINE wins). */
  engine?: EngineChoice;
}

/** A WebSocket server with its own app and port (no @ody/http server needed). */
export interface StandaloneServer<User = unknown> {
  readonly hub: WebSocketHub<User>;
  readonly app: EngineApp;
  /** The engine serving it: 'uws' or 'node'. */
  readonly engine: 'uws' | 'node';
  /** The port it listens on. */
  readonly port: number;
  /** `ws://host:port/path`. */
  readonly url: string;
  /** Close every connection, the adapter and the listen socket. */
  close(): Promise<void>;
}

/**
 * Start a standalone WebSocket server.
 * @example
 * const server = await createWebSocketServer({ port: 8080, authenticate: (req) => userFrom(req.headers) });
 * server.hub.publish('news', 'headline', { title: 'Hi' });
 */
export async function createWebSocketServer<User = unknown>(options: StandaloneOptions<User> = {}): Promise<StandaloneServer<User>> {
  return listenStandalone(new WebSocketHub<User>(options), options);
}

/** @internal give an existing (not started) hub its own uWS app and listen. */
export async function listenStandalone<User>(
  hub: WebSocketHub<User>,
  options: { port?: number; host?: string; engine?: EngineChoice },
): Promise<StandaloneServer<User>> {
  const engine = resolveEngine(engineChoice(options.engine));
  const app = engine.createApp({ maxHeaderBytes: 16 * 1024, headersTimeoutMs: 30_000, keepAliveTimeoutMs: 10_000 });
  hub.attach(app);
  await hub.start();
  const host = options.host ?? '127.0.0.1';
  const socket = await engine.listen(app, host, options.port ?? 0);
  if (!socket) {
    engine.closeApp(app);
    await hub.close();
    throw new WebSocketError('ODY_WS_LISTEN_FAILED', `could not listen on ${host}:${options.port ?? 0}; is the port in use?`);
  }
  const port = socket.port;
  let closed = false;
  hub.url = `ws://${host}:${port}${hub.limits.path}`;
  return {
    hub,
    app,
    engine: engine.name,
    port,
    url: `ws://${host}:${port}${hub.limits.path}`,
    async close() {
      if (closed) return;
      closed = true;
      socket.close();
      await hub.close();
      engine.closeApp(app);
    },
  };
}
