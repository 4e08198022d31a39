import { createApplication } from '@ody/core';
import { HttpServer, httpPlugin } from '@ody/http';
import { describe, expect, it } from 'vitest';
import { Broadcaster, WebSocketHubToken, websocketPlugin } from '../index.js';
import { RawClient } from '../fixtures/raw-client.js';
import { describeEngines } from '../../../../test-support/engines.js';

describeEngines(() => {
  describe('websocketPlugin', () => {
    it('adds /ws to the @ody/http server so HTTP routes publish to WebSocket clients on the same port', async () => {
      let app: Awaited<ReturnType<typeof createApplication>> | undefined;
      app = await createApplication({
        config: { http: { port: 0, host: '127.0.0.1' } },
        envFile: false,
        env: {},
        plugins: [
          httpPlugin({
            routes: (router) =>
              router.post('/announce', () => {
                app!.get(Broadcaster).publish('news', 'announced', { by: 'http' });
                return { ok: true };
              }),
          }),
          websocketPlugin({ authenticate: (req) => (req.headers['x-user'] ? { id: req.headers['x-user'] } : null) }),
        ],
      });
      await app.start();
      try {
        const port = app.get(HttpServer).port;
        const client = await RawClient.open(`ws://127.0.0.1:${port}/ws`, { 'x-user': 'u1' });
        await client.request({ type: 'subscribe', channel: 'news' });
        const res = await fetch(`http://127.0.0.1:${port}/announce`, { method: 'POST' });
        expect(res.status).toBe(200);
        expect(await client.waitFor((f) => f.event === 'announced')).toMatchObject({ channel: 'news', data: { by: 'http' } });
        expect(await app.get(Broadcaster).connectionCount()).toBe(1);
        expect(app.get(WebSocketHubToken).adapter.name).toBe('local');
        client.close();
      } finally {
        await app.stop();
      }
    });

    it('listens on its own port without @ody/http and closes clients with 1001 on stop', async () => {
      const app = await createApplication({
        config: { websocket: { port: 0 } },
        envFile: false,
        env: {},
        plugins: [websocketPlugin()],
      });
      await app.start();
      const hub = app.get(WebSocketHubToken);
      const url = hub.url;
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      const client = await RawClient.open(url!);
      await client.request({ type: 'subscribe', channel: 'a' });
      app.get(Broadcaster).publish('a', 'e', 1);
      await client.waitFor((f) => f.event === 'e');
      await app.stop();
      expect(await client.waitClosed()).toBe(1001);
    });
  });
});
