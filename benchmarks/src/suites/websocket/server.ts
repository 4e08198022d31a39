// One benchmark server, in its own process: `node --expose-gc --import tsx server.ts <peer> <port> <mode> [prefix]`.
// mode `fanout`: raw peers subscribe every socket to `bench` at open (Ody clients subscribe through the
// protocol) and the servers run with a large maxBackpressure (the benchmark measures delivery, not drops).
// mode `idle`: every server with its defaults, no subscription (RSS per idle connection, accept rate).
// mode `redis`: ody-redis / socketio-redis, two of them share Redis under `prefix`.
// Prints `ready` once listening. stdin commands: `run <messages> <batch>` publishes that many frames
// (each carries its send time) and prints `published`; `stats [gc]` prints `stats {"cpuUs","rss"}` (CPU of
// every thread so far; RSS, after a full GC when asked). For ody-broadcast-2workers the main thread supervises two
// @ody/http workers; the load generator triggers the publish through HTTP, so one worker publishes and
// the other receives through the worker adapter.

import uWS from 'uWebSockets.js';
import { createInterface } from 'node:readline';

const [peer, portArg, mode = 'fanout', prefix = 'ody-bench'] = process.argv.slice(2);
const port = Number(portArg);
const fanout = mode === 'fanout' || mode === 'redis';
const maxBackpressure = 64 * 1024 * 1024; // large: the benchmark measures delivery, not drops
const tick = (i: number) => ({ i, t: performance.timeOrigin + performance.now() });
const frameOf = (i: number) => JSON.stringify({ event: 'tick', channel: 'bench', data: tick(i) });

/** Publish `messages` frames in batches, yielding between batches so sockets get written. */
async function publishAll(messages: number, batch: number, publish: (i: number) => void): Promise<void> {
  for (let i = 0; i < messages; i++) {
    publish(i);
    if ((i + 1) % batch === 0) await new Promise((r) => setImmediate(r));
  }
}

if (peer === 'uws-raw') {
  const app = uWS.App();
  // Fast settings: a bare app, publish through uWS's C++ topic tree.
  app.ws('/ws', fanout ? { maxBackpressure, idleTimeout: 0, open: (ws) => void ws.subscribe('bench') } : {});
  await new Promise<void>((resolve, reject) => app.listen('127.0.0.1', port, (s) => (s ? resolve() : reject(new Error('listen failed')))));
  serve((messages, batch) => publishAll(messages, batch, (i) => app.publish('bench', frameOf(i), false)));
} else if (peer === 'ws-raw') {
  // The node engine's peer: a bare `ws` server sending each frame to every client (ws's broadcast recipe).
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  serve((messages, batch) =>
    publishAll(messages, batch, (i) => {
      const frame = frameOf(i);
      for (const c of wss.clients) c.send(frame);
    }),
  );
} else if (peer === 'ody-broadcast' || peer === 'ody-node-engine' || peer === 'ody-redis') {
  const { createWebSocketServer } = await import('@ody/websocket');
  const engine = peer === 'ody-node-engine' ? 'node' : 'uws';
  const adapter =
    peer === 'ody-redis' ? (await import('@ody/websocket/redis')).redisAdapter({ redis: 'redis://127.0.0.1:6379', prefix }) : undefined;
  const server = await createWebSocketServer(
    fanout ? { port, maxBackpressure, idleTimeoutMs: 0, rateLimit: false, engine, adapter } : { port, engine },
  );
  if (server.engine !== engine) throw new Error(`asked for the ${engine} engine, got ${server.engine}`);
  serve((messages, batch) => publishAll(messages, batch, (i) => server.hub.publish('bench', 'tick', tick(i))));
} else if (peer === 'socketio-redis') {
  // socket.io with @socket.io/redis-adapter, its documented fast settings: websocket transport only,
  // no per-message deflate; each client joins the `bench` room at connection.
  const { Server } = await import('socket.io');
  const { createAdapter } = await import('@socket.io/redis-adapter');
  const { Redis } = await import('ioredis');
  const pub = new Redis('redis://127.0.0.1:6379');
  const sub = pub.duplicate();
  const io = new Server({ transports: ['websocket'], perMessageDeflate: false, serveClient: false, adapter: createAdapter(pub, sub, { key: prefix }) });
  io.on('connection', (socket) => void socket.join('bench'));
  const { createServer } = await import('node:http');
  const httpServer = createServer();
  io.attach(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', () => resolve()));
  // The adapter subscribes asynchronously: make sure Redis has the subscription before `ready`.
  await new Promise<void>((resolve) => {
    const check = () =>
      void pub.pubsub('NUMSUB', `${prefix}-request#/#`).then((r) => (Number((r as unknown[])[1]) > 0 ? resolve() : setTimeout(check, 20)));
    check();
  });
  serve((messages, batch) => publishAll(messages, batch, (i) => io.to('bench').emit('tick', tick(i))));
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
    else if (cmd === 'stats') {
      // CPU first, so a GC asked for here (`stats gc`, before an RSS reading) is not billed to a run.
      const cpu = process.cpuUsage();
      const gc = (globalThis as { gc?: () => void }).gc;
      const report = () =>
        process.stdout.write(`stats ${JSON.stringify({ cpuUs: cpu.user + cpu.system, rss: process.memoryUsage.rss() })}\n`);
      if (m !== 'gc') return report();
      gc?.();
      gc?.();
      // V8 unmaps freed pages on a background thread after a GC: give it time before reading RSS.
      setTimeout(report, 500);
    }
  });
}
