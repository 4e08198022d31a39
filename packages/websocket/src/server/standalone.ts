import uWS, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';
import { WebSocketError } from '../errors.js';
import { WebSocketHub } from './hub.js';
import type { WebSocketServerOptions } from './options.js';

/** Options of a standalone server: the hub's options plus where to listen. */
export interface StandaloneOptions<User = unknown> extends WebSocketServerOptions<User> {
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Host; default 127.0.0.1. */
  host?: string;
}

/** A WebSocket server with its own uWS app and port (no @ody/http needed). */
export interface StandaloneServer<User = unknown> {
  readonly hub: WebSocketHub<User>;
  readonly app: TemplatedApp;
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
  options: { port?: number; host?: string },
): Promise<StandaloneServer<User>> {
  const app = uWS.App();
  hub.attach(app);
  await hub.start();
  const host = options.host ?? '127.0.0.1';
  const socket = await new Promise<us_listen_socket | false>((resolve) => app.listen(host, options.port ?? 0, resolve));
  if (!socket) {
    await hub.close();
    throw new WebSocketError('ODY_WS_LISTEN_FAILED', `could not listen on ${host}:${options.port ?? 0}; is the port in use?`);
  }
  const port = uWS.us_socket_local_port(socket);
  let closed = false;
  hub.url = `ws://${host}:${port}${hub.limits.path}`;
  return {
    hub,
    app,
    port,
    url: `ws://${host}:${port}${hub.limits.path}`,
    async close() {
      if (closed) return;
      closed = true;
      uWS.us_listen_socket_close(socket);
      await hub.close();
    },
  };
}
