import { type Adapter, websocketPlugin } from '@ody/websocket';

/** Who is connected: the example trusts a `?name=` query parameter (use a real token in your app). */
export interface RealtimeUser {
  id: string;
  info: { name: string };
}

/**
 * The WebSocket plugin configured for the example: anyone with a name may connect (no name → 401),
 * named users may join `presence-lobby`, and only `chat` accepts client publishes.
 */
export const exampleWebSocket = (options: { adapter?: () => Adapter } = {}) =>
  websocketPlugin<RealtimeUser>({
    // Several instances of the app (processes, machines) share channels through e.g. redisAdapter().
    ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
    authenticate: (req) => {
      const name = new URLSearchParams(req.query).get('name');
      return name ? { id: name.toLowerCase(), info: { name } } : null;
    },
    authorizeChannel: (_user, channel) => channel === 'presence-lobby',
    canPublish: (_user, channel) => channel === 'chat',
  });
