import { OdyError } from '@ody/core';
import { WebSocketError } from '../errors.js';
import { assertChannelName, channelKind, topicOf } from '../protocol/channels.js';
import type { ClientMessage, Member } from '../protocol/messages.js';
import { whisperPrefix } from '../protocol/messages.js';
import { ack, type Connection, sendError, sendFrame } from './connection.js';

/** What the message handlers need from the server. */
export interface DispatchHost<User> {
  readonly maxChannelsPerConnection: number;
  authorizeChannel?(user: User, channel: string): boolean | Promise<boolean>;
  canPublish?(user: User, channel: string): boolean | Promise<boolean>;
  memberOf(conn: Connection<User>, channel: string): Member;
  join(channel: string, connectionId: string, member: Member): Promise<void>;
  leave(channel: string, connectionId: string): Promise<void>;
  members(channel: string): Promise<Member[]>;
  /** Deliver a frame everywhere, skipping connection `except`. */
  broadcast(channel: string, frame: string, except: string): void;
  logInternal(err: unknown, conn: Connection<User>, msg: ClientMessage): void;
}

/** Handle one parsed client message; errors become error frames, never exceptions. */
export async function dispatch<User>(host: DispatchHost<User>, conn: Connection<User>, msg: ClientMessage): Promise<void> {
  try {
    if (conn.closed) return;
    switch (msg.type) {
      case 'ping':
        if (msg.id !== undefined) ack(conn, msg.id);
        else sendFrame(conn, '{"event":"pong"}');
        return;
      case 'subscribe':
        return await subscribe(host, conn, msg.channel, msg.id);
      case 'unsubscribe':
        return await unsubscribe(host, conn, msg.channel, msg.id);
      case 'publish':
        return await clientPublish(host, conn, msg);
      case 'whisper':
        return whisper(host, conn, msg);
    }
  } catch (err) {
    const channel = 'channel' in msg ? msg.channel : undefined;
    if (OdyError.is(err) && err.code.startsWith('ODY_WS_')) {
      sendError(conn, err.code, err.message, msg.id, channel);
      return;
    }
    host.logInternal(err, conn, msg);
    sendError(conn, 'ODY_WS_INTERNAL', 'the server failed to handle this message', msg.id, channel);
  }
}

async function authorize<User>(host: DispatchHost<User>, conn: Connection<User>, channel: string): Promise<void> {
  if (channelKind(channel) === 'public') return;
  const allowed = host.authorizeChannel ? await host.authorizeChannel(conn.user, channel) : false;
  if (!allowed) throw new WebSocketError('ODY_WS_FORBIDDEN', `subscription to "${channel}" was refused`);
}

async function subscribe<User>(host: DispatchHost<User>, conn: Connection<User>, channel: string, id?: string | number) {
  assertChannelName(channel);
  const kind = channelKind(channel);
  if (!conn.channels.has(channel)) {
    if (conn.channels.size >= host.maxChannelsPerConnection) {
      throw new WebSocketError(
        'ODY_WS_TOO_MANY_CHANNELS',
        `this connection already joined ${conn.channels.size} channels (maxChannelsPerConnection); unsubscribe first`,
      );
    }
    await authorize(host, conn, channel);
    if (conn.closed || !conn.ws) return;
    conn.ws.subscribe(topicOf(channel));
    conn.channels.add(channel);
    if (kind === 'presence') {
      conn.presence.add(channel);
      await host.join(channel, conn.id, host.memberOf(conn, channel));
    }
  }
  const data = kind === 'presence' ? { channel, members: await host.members(channel) } : { channel };
  sendFrame(conn, { event: 'subscribed', channel, data: kind === 'presence' ? { members: data.members } : {} });
  ack(conn, id, data);
}

async function unsubscribe<User>(host: DispatchHost<User>, conn: Connection<User>, channel: string, id?: string | number) {
  if (conn.channels.delete(channel)) {
    if (!conn.closed) conn.ws?.unsubscribe(topicOf(channel));
    if (conn.presence.delete(channel)) await host.leave(channel, conn.id);
  }
  ack(conn, id, { channel });
}

async function clientPublish<User>(
  host: DispatchHost<User>,
  conn: Connection<User>,
  msg: Extract<ClientMessage, { type: 'publish' }>,
) {
  assertChannelName(msg.channel);
  if (channelKind(msg.channel) !== 'public' && !conn.channels.has(msg.channel)) {
    throw new WebSocketError('ODY_WS_NOT_SUBSCRIBED', `subscribe to "${msg.channel}" before publishing on it`);
  }
  const allowed = host.canPublish ? await host.canPublish(conn.user, msg.channel) : false;
  if (!allowed) throw new WebSocketError('ODY_WS_FORBIDDEN', `clients may not publish on "${msg.channel}"`);
  const from = host.memberOf(conn, msg.channel).id;
  host.broadcast(msg.channel, JSON.stringify({ event: msg.event, channel: msg.channel, data: msg.data, from }), conn.id);
  ack(conn, msg.id);
}

function whisper<User>(host: DispatchHost<User>, conn: Connection<User>, msg: Extract<ClientMessage, { type: 'whisper' }>) {
  assertChannelName(msg.channel);
  if (channelKind(msg.channel) === 'public') {
    throw new WebSocketError('ODY_WS_WHISPER_NOT_ALLOWED', `whisper needs a private- or presence- channel, not "${msg.channel}"`);
  }
  if (!conn.channels.has(msg.channel)) {
    throw new WebSocketError('ODY_WS_NOT_SUBSCRIBED', `subscribe to "${msg.channel}" before whispering on it`);
  }
  const from = host.memberOf(conn, msg.channel).id;
  const frame = JSON.stringify({ event: whisperPrefix + msg.event, channel: msg.channel, data: msg.data, from });
  host.broadcast(msg.channel, frame, conn.id);
  ack(conn, msg.id);
}
