import { definePlugin } from '@ody/core';
import { dashboardPlugin } from '@ody/dashboard';
import { type HttpContext, Router } from '@ody/http';
import { liveClientJs } from './live-client.js';
import { appJs, pageHtml } from './page.js';

/** Paths of the live page and its two scripts. */
export const webPaths = { page: '/', app: '/web/app.js', live: '/web/live.js' } as const;

const send = (type: string, body: string) => (c: HttpContext) => {
  c.header('content-type', type).header('cache-control', 'no-cache');
  return body;
};

/**
 * The live page at `/`: place an order and watch its async command go queued → running → succeeded
 * (pushed by @ody/cqrs on the command's WebSocket channel), see who is in the lobby and the
 * announcements. Plain HTML and web components served from memory: no CDN, works offline.
 */
export const webPlugin = () =>
  definePlugin({
    name: 'example-web',
    dependsOn: ['http'],
    register(ctx) {
      const router = ctx.get(Router);
      router.get(webPaths.page, send('text/html; charset=utf-8', pageHtml));
      router.get(webPaths.app, send('text/javascript; charset=utf-8', appJs));
      router.get(webPaths.live, send('text/javascript; charset=utf-8', liveClientJs));
    },
  });

/**
 * The ops dashboard for the example: on by default here (`ODY_DASHBOARD_ENABLED=false` turns it off),
 * open to this machine only (behind a reverse proxy on the same host every request looks local: there,
 * check a session or token in `authorize`, as a real app would).
 */
export const exampleDashboard = () =>
  dashboardPlugin({
    enabled: true,
    queues: ['emails'],
    authorize: (req) => ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.remoteAddress),
  });
