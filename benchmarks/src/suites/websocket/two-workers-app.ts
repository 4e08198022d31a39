// The ody-broadcast-2workers server: @ody/http with two worker threads, the WebSocket plugin on the
// same port (worker adapter picked automatically), and a route that publishes from whichever worker
// receives it.
import { fileURLToPath } from 'node:url';
import { createApplication } from '@ody/core';
import { httpPlugin } from '@ody/http';
import { Broadcaster, websocketPlugin } from '@ody/websocket';

export async function createApp() {
  const b = () => app.get(Broadcaster);
  const app = await createApplication({
    config: {
      app: { logLevel: 'warn' },
      http: { port: Number(process.env.ODY_BENCH_PORT), host: '127.0.0.1', workers: 2 },
      websocket: { maxBackpressure: 64 * 1024 * 1024, idleTimeoutMs: 0, rateLimit: false, workerChannel: `bench-${process.env.ODY_BENCH_PORT}` },
    },
    envFile: false,
    env: {},
    plugins: [
      httpPlugin({
        workerModule: fileURLToPath(import.meta.url),
        routes: (router) =>
          router.post('/bench/publish/:messages/:batch', async (ctx) => {
            const messages = Number(ctx.params.messages);
            const batch = Number(ctx.params.batch);
            for (let i = 0; i < messages; i++) {
              b().publish('bench', 'tick', { i, t: performance.timeOrigin + performance.now() });
              if ((i + 1) % batch === 0) await new Promise((r) => setImmediate(r));
            }
            return { published: messages };
          }),
      }),
      websocketPlugin(),
    ],
  });
  return app;
}
