import { fileURLToPath } from 'node:url';
import { definePlugin, z } from '@ody/core';
import { Router, serveStatic } from '@ody/http';
import { Broadcaster, websocketPlugin } from '@ody/websocket';

/** Channel the page listens on. */
export const announcements = 'announcements';

/** What POST /announcements accepts. */
export const Announcement = z.object({ text: z.string().min(1).max(500) });

/** Who is connected: this template trusts `?name=` (use a real token in your app). */
export interface User {
  id: string;
  info: { name: string };
}

/** WebSocket on the HTTP port at /ws: anyone with a name may connect and listen; nobody may publish. */
export const realtimeWebSocket = () =>
  websocketPlugin<User>({
    authenticate: (req) => {
      const name = new URLSearchParams(req.query).get('name');
      return name ? { id: name.toLowerCase(), info: { name } } : null;
    },
  });

const publicDir = fileURLToPath(new URL('../../public', import.meta.url));

/** `POST /announcements` publishes to every connected page; `GET /` serves the page. */
export const realtimePlugin = () =>
  definePlugin({
    name: 'realtime',
    dependsOn: ['http', 'websocket'],
    boot(ctx) {
      const router = ctx.get(Router);
      const broadcaster = ctx.get(Broadcaster);
      router.post('/announcements', { body: Announcement }, (c) => {
        const { text } = Announcement.parse(c.valid.body);
        const message = { text, at: new Date().toISOString() };
        broadcaster.publish(announcements, 'announcement', message);
        c.status(202);
        return message;
      });
      router.get('/*', serveStatic(publicDir));
    },
  });
