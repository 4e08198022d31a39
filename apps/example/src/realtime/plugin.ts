import { definePlugin, z } from '@ody/core';
import { Router } from '@ody/http';
import { Broadcaster } from '@ody/websocket';

/** Channel the HTTP routes publish to. */
export const announcementsChannel = 'announcements';

const Announcement = z.object({ text: z.string().min(1).max(500) });

/**
 * Realtime routes: `POST /announcements` publishes `{ text, at }` as event `announcement` on the
 * `announcements` channel (to every subscriber on every worker), and `GET /realtime/lobby` lists who
 * is in `presence-lobby`.
 */
export const realtimePlugin = () =>
  definePlugin({
    name: 'realtime',
    dependsOn: ['http', 'websocket'],
    boot(ctx) {
      const router = ctx.get(Router);
      const broadcaster = ctx.get(Broadcaster);
      router.post('/announcements', { body: Announcement }, (c) => {
        const { text } = c.valid.body;
        const announcement = { text, at: new Date().toISOString() };
        broadcaster.publish(announcementsChannel, 'announcement', announcement);
        c.status(202);
        return announcement;
      });
      router.get('/realtime/lobby', async () => ({
        members: await broadcaster.members('presence-lobby'),
        connections: await broadcaster.connectionCount(),
      }));
    },
  });
