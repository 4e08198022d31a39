import type { WebSocket } from 'uWebSockets.js';
import type { MessageId, ServerFrame } from '../protocol/messages.js';
import type { TokenBucket } from './rate-limit.js';

/** Server-side state of one connection, attached to the uWS socket as its user data. */
export interface Connection<User = unknown> {
  readonly id: string;
  readonly user: User;
  /** Set in open(); undefined between upgrade and open. */
  ws?: WebSocket<SocketData<User>>;
  /** Channels joined (subscribed) by this connection. */
  readonly channels: Set<string>;
  /** Presence channels this connection is a member of. */
  readonly presence: Set<string>;
  readonly bucket?: TokenBucket;
  /** Serialises async handling so a subscribe finishes before a later publish on that channel. */
  queue: Promise<void>;
  closed: boolean;
}

/** What uWS stores per socket. */
export interface SocketData<User = unknown> {
  conn: Connection<User>;
}

/** Outcome of a send: what uWS did with the bytes. */
export type SendOutcome = 'sent' | 'buffered' | 'dropped' | 'closed';

/** Send one frame to one connection; never touches a closed native socket. */
export function sendFrame(conn: Connection, frame: ServerFrame | string): SendOutcome {
  if (conn.closed || !conn.ws) return 'closed';
  const ws = conn.ws;
  const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
  let status = 0;
  // Corked, so a send from outside a uWS callback (timers, after an await) is flushed right away.
  ws.cork(() => {
    status = ws.send(text, false);
  });
  return status === 1 ? 'sent' : status === 0 ? 'buffered' : 'dropped';
}

/** Send an ack when the message had an id. */
export function ack(conn: Connection, id: MessageId | undefined, data?: unknown): void {
  if (id !== undefined) sendFrame(conn, data === undefined ? { event: 'ack', id } : { event: 'ack', id, data });
}

/** Send an error frame `{ event: 'error', code, message, id?, channel? }`. */
export function sendError(
  conn: Connection,
  code: string,
  message: string,
  id?: MessageId,
  channel?: string,
): void {
  const frame: ServerFrame = { event: 'error', code, message };
  if (id !== undefined) frame.id = id;
  if (channel !== undefined) frame.channel = channel;
  sendFrame(conn, frame);
}
