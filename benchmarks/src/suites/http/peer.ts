// One benchmark peer per child process: `node --import tsx peer.ts <peer> <port>`; prints `ready`.

import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import http from 'node:http';
import { createRequire } from 'node:module';

const [peer, portArg] = process.argv.slice(2);
// Profiling aid: exit cleanly (so --cpu-prof writes) after this many ms.
if (process.env.PEER_EXIT_AFTER_MS) setTimeout(() => process.exit(0), Number(process.env.PEER_EXIT_AFTER_MS));
// Profiling aid: SIGUSR2 starts a CPU profile, the next SIGUSR2 writes it to $PEER_PROFILE (no start-up noise).
if (process.env.PEER_PROFILE) {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  let on = false;
  process.on('SIGUSR2', () => {
    if (!on) {
      on = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    session.post('Profiler.stop', async (err, r) => {
      if (!err) (await import('node:fs')).writeFileSync(process.env.PEER_PROFILE!, JSON.stringify(r.profile));
      process.exit(0);
    });
  });
}
const port = Number(portArg);
const user = (id: string) => ({ id, name: `user-${id}` });
const ready = (extra = '') => console.log(`ready ${peer} ${extra}`);

async function uwsRaw(): Promise<void> {
  const uws = createRequire(import.meta.url)('uWebSockets.js') as { App: () => TemplatedApp };
  if (!/\[native code\]/.test(Function.prototype.toString.call(uws.App))) throw new Error('uWS fallback shim: refusing to benchmark');
  const app = uws.App();
  app.get('/users/:id', (res: HttpResponse, req: HttpRequest) => {
    const id = req.getParameter(0);
    res.cork(() => {
      res.writeHeader('content-type', 'application/json');
      res.end(JSON.stringify(user(id)));
    });
  });
  app.post('/echo', (res: HttpResponse) => {
    let aborted = false;
    const chunks: Buffer[] = [];
    res.onAborted(() => {
      aborted = true;
    });
    res.onData((ab: ArrayBuffer, last: boolean) => {
      chunks.push(Buffer.from(new Uint8Array(ab)));
      if (!last || aborted) return;
      const body = JSON.parse(Buffer.concat(chunks).toString());
      res.cork(() => {
        res.writeHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      });
    });
  });
  app.listen('127.0.0.1', port, (s: us_listen_socket | false) => (s ? ready('native') : process.exit(1)));
}

async function odyRoute(): Promise<void> {
  const { createServer } = await import('@ody/http');
  const { createLogger } = await import('@ody/core');
  const server = createServer({ config: { host: '127.0.0.1', port, healthPath: false }, logger: createLogger({ level: 'silent' }) });
  if (server.engine !== 'uws') throw new Error(`engine ${server.engine}, not uws: refusing to benchmark`);
  server.router.get('/users/:id', (ctx) => user(ctx.params.id!));
  await server.listen();
  ready(server.engine);
}

async function odyController(): Promise<void> {
  const { createController } = await import('./ody-controller.js');
  const engine = await createController(port);
  ready(engine);
}

/** The same controller app as ody-controller, on the node engine (node:http). */
async function odyNodeEngine(): Promise<void> {
  const { createController } = await import('./ody-controller.js');
  ready(await createController(port, 'node'));
}

/** ody-controller plus otelPlugin, with @opentelemetry/api present and no SDK registered. */
async function odyOtelNoSdk(): Promise<void> {
  const { createController } = await import('./ody-controller.js');
  ready(await createController(port, 'uws', true));
}

async function hyperExpress(): Promise<void> {
  const HyperExpress = (await import('hyper-express')).default;
  const app = new HyperExpress.Server();
  app.get('/users/:id', (req, res) => {
    res.json(user(req.path_parameters.id!));
  });
  await app.listen(port, '127.0.0.1');
  ready();
}

/** The JSON schemas fastify's docs recommend for speed: validation (ajv) and serialisation (fast-json-stringify). */
const echoSchema = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;
const userSchema = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } as const;

async function fastifyPeer(): Promise<void> {
  const Fastify = (await import('fastify')).default;
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/users/:id', { schema: { response: { 200: userSchema } } }, async (req) => user(req.params.id));
  app.post('/echo', async (req) => req.body);
  app.post('/echo-valid', { schema: { body: echoSchema, response: { 200: echoSchema } } }, async (req) => req.body);
  await app.listen({ port, host: '127.0.0.1' });
  ready();
}

async function nodeHttp(): Promise<void> {
  const re = /^\/users\/([^/?]+)/;
  http
    .createServer((req, res) => {
      const m = re.exec(req.url ?? '');
      if (!m) {
        res.statusCode = 404;
        return res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(user(m[1]!)));
    })
    .listen(port, '127.0.0.1', () => ready());
}

const peers: Record<string, () => Promise<void>> = {
  'uws-raw': uwsRaw,
  'ody-route': odyRoute,
  'ody-controller': odyController,
  'ody-node-engine': odyNodeEngine,
  'ody-otel-nosdk': odyOtelNoSdk,
  'hyper-express': hyperExpress,
  fastify: fastifyPeer,
  'node-http': nodeHttp,
};
peers[peer!]!().catch((err) => {
  console.error(err);
  process.exit(1);
});
