import { WebSocketError } from '../errors.js';

/** How a channel is guarded, decided by its name prefix (Pusher style). */
export type ChannelKind = 'public' | 'private' | 'presence';

const validName = /^[A-Za-z0-9_\-=@,.;:]{1,164}$/;

/** The kind of a channel: `private-…` and `presence-…` need authorisation, anything else is public. */
export function channelKind(channel: string): ChannelKind {
  if (channel.startsWith('presence-')) return 'presence';
  if (channel.startsWith('private-')) return 'private';
  return 'public';
}

/** Throws ODY_WS_INVALID_CHANNEL unless the name is 1-164 chars of [A-Za-z0-9_-=@,.;:]. */
export function assertChannelName(channel: string): void {
  if (!validName.test(channel)) {
    throw new WebSocketError(
      'ODY_WS_INVALID_CHANNEL',
      `channel ${JSON.stringify(channel.slice(0, 200))} is invalid; use 1-164 chars of A-Z a-z 0-9 _ - = @ , . ; :`,
      { details: { channel: channel.slice(0, 200) } },
    );
  }
}

/** uWS topic of a channel. Kept separate so internal topics (per-connection) can never collide. */
export function topicOf(channel: string): string {
  return `c:${channel}`;
}
