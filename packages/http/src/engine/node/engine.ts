import { type AddressInfo, Server as NetServer } from 'node:net';
import { acceptParentConnections } from '../../workers/connections.js';
import { workerListen } from '../../workers/role.js';
import type { HttpEngine, ListenHandle } from '../types.js';
import { NodeApp } from './app.js';

/** The node engine: node:http + ws, on every Node version Ody supports. */
export function nodeEngine(reason: string): HttpEngine {
  return {
    name: 'node',
    reason,
    stringWire: true,
    createApp: (options) => new NodeApp(options),
    listen(app, host, port) {
      const server = (app as NodeApp).server;
      const mode = workerListen();
      if (mode === 'parent') {
        // A worker process fed by its supervisor: connections arrive over IPC, nothing to bind.
        const stop = acceptParentConnections((socket) => server.emit('connection', socket));
        return Promise.resolve({ port, close: stop });
      }
      return new Promise<ListenHandle | false>((resolve) => {
        const onError = () => resolve(false);
        server.once('error', onError);
        server.listen({ host, port, ...(mode === 'reuseport' ? { reusePort: true } : {}) }, () => {
          server.off('error', onError);
          // net's close, not http's: http.Server#close also drops idle keep-alive sockets, while a
          // draining server keeps them to answer (health says "draining") until closeApp.
          resolve({ port: (server.address() as AddressInfo).port, close: () => NetServer.prototype.close.call(server) });
        });
      });
    },
    closeApp(app) {
      (app as NodeApp).close();
    },
  };
}
