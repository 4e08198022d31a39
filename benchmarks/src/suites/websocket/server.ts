// One benchmark server, in its own process: `node --import tsx server.ts <peer> <port>`.
// Prints `ready` once listening. Then on stdin `run <messages> <batch>` publishes that many frames
// (each carries its send time) and prints `published`. For ody-broadcast-2workers the main thread
// supervises two @ody/http workers; the load generator triggers the publish through HTTP, so one
// worker publishes and the other receives through the worker adapter.

import uWS from 'uWebSockets.js';
import { createInterface } from 'node:readline';

const [peer, portArg] = process.argv.slice(2);
const port = Number(portArg);
const maxBackpressure = 64 * 1024 * 1024; // large: the benchmark measures delivery, not drops
const frameOf = (i: number) =>
  JSON.stringify({ event: 'tick', channel: 'bench', data: { i, t: performance.timeOrigin + performance.now() } });

/** Publish `messages` frames in batches, yielding between batches so sockets get written. */
async function publishAll(messages: number, batch: number, publish: (i: number) => void): Promise<void> {
  for (let i = 0; i < messages; i++) {
    publish(i);
    if ((i + 1) % batch === 0) await new Promise((r) => setImmediate(r));
  }
}

if (peer === 'uws-raw') {
  const app = uWS.App();
  app.ws('/ws', { maxBackpressure, idleTimeout: 0, open: (ws) => {
    ws.subscribe('bench');
  } });
  await new Promise<void>((resolve, reject) => app.listen('127.0.0.1', port, (s) => (s ? resolve() : reject(new Error('listen failed')))));
  serve((messages, batch) => publishAll(messages, batch, (i) => app.publish('bench', frameOf(i), false)));
} else if (peer === 'ws-raw') {
  // The node engine's peer: a bare `ws` server sending each frame to every client.
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  serve((messages, batch) =>
    publishAll(messages, batch, (i) => {
      const frame = frameOf(i);
      for (const c of wss.clients) c.send(frame);
    }),
  );
} else if (peer === 'ody-broadcast' || peer === 'ody-node-engine') {
  const { createWebSocketServer } = await import('@ody/websocket');
  const engine = peer === 'ody-node-engine' ? 'node' : 'uws';
  const server = await createWebSocketServer({ port, maxBackpressure, idleTimeoutMs: 0, rateLimit: false, engine });
  if (server.engine !== engine) throw new Error(`asked for the ${engine} engine, got ${server.engine}`);
  serve((messages, batch) =>
    publishAll(messages, batch, (i) => server.hub.publish('bench', 'tick', { i, t: performance.timeOrigin + performance.now() })),
  );
} else if (peer === 'ody-broadcast-2workers') {
  const { createApp } = await import('./two-workers-app.js');
  process.env.ODY_BENCH_PORT = String(port);
  const app = await createApp();
  await app.start();
  serve(async () => {
    throw new Error('2workers publishes through HTTP POST /bench/publish');
  });
} else {
  throw new Error(`unknown peer ${peer}`);
}

function serve(run: (messages: number, batch: number) => Promise<void>): void {
  process.stdout.write('ready\n');
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [cmd, m, b] = line.split(' ');
    if (cmd === 'run') void run(Number(m), Number(b)).then(() => process.stdout.write('published\n'));
  });
}
