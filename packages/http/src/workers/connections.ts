import net from 'node:net';
import { HttpServerError } from '../errors.js';

// On globalThis: the process entry and the user's app module may load different bundles of this package.
const KEY = Symbol.for('@ody/http/parent-connections');
type Acceptor = (socket: net.Socket) => void;
const g = globalThis as unknown as Record<symbol, { acceptor?: Acceptor; installed?: boolean } | undefined>;
g[KEY] ??= {};
const state = g[KEY]!;

/** The IPC message that carries one accepted connection from the supervisor to a worker process. */
export const CONNECTION_MESSAGE = 'ody-http-connection';

/**
 * @internal In a worker process fed by its parent: receive connections over IPC and hand them to
 * the server registered with `acceptParentConnections` (node engine). Installed by the entry first.
 */
export function installConnectionReceiver(): void {
  if (state.installed) return;
  state.installed = true;
  process.on('message', (m: { type?: string } | undefined, socket?: net.Socket) => {
    if (m?.type !== CONNECTION_MESSAGE || socket === undefined) return;
    if (state.acceptor === undefined) socket.destroy();
    else state.acceptor(socket);
  });
}

/** @internal the node engine's server takes the connections the parent passes. */
export function acceptParentConnections(acceptor: Acceptor): () => void {
  state.acceptor = acceptor;
  return () => {
    if (state.acceptor === acceptor) state.acceptor = undefined;
  };
}

/** Something a connection can be passed to (a ready worker process). */
export interface ConnectionTarget {
  send(message: unknown, socket: net.Socket): boolean;
}

/**
 * The supervisor side when node has no SO_REUSEPORT (Node < 22.12): one listener in the parent
 * hands each accepted connection to the next ready worker process, round robin, like
 * node:cluster's default scheduling.
 */
export class ConnectionDistributor {
  private readonly server: net.Server;
  private next = 0;

  constructor(private readonly targets: () => ConnectionTarget[]) {
    this.server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.dispatch(socket));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (err) =>
        reject(new HttpServerError('ODY_HTTP_LISTEN_FAILED', `Could not listen on ${host}:${port}; is the port in use?`, { details: { host, port }, cause: err })),
      );
      this.server.listen({ host, port }, () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private dispatch(socket: net.Socket): void {
    const targets = this.targets();
    if (targets.length === 0) {
      socket.destroy();
      return;
    }
    const target = targets[this.next++ % targets.length]!;
    try {
      if (!target.send({ type: CONNECTION_MESSAGE }, socket)) socket.destroy();
    } catch {
      socket.destroy();
    }
  }
}
