import type { WebSocket, WebSocketBehavior } from 'uWebSockets.js';
import type { EngineApp } from '@ody/http';
import { randomUUID } from 'node:crypto';
import { type Logger, newId, runInContext } from '@ody/core';
import type { Adapter } from '../adapters/adapter.js';
import { LocalAdapter } from '../adapters/local.js';
import { WebSocketError } from '../errors.js';
import { assertChannelName, topicOf } from '../protocol/channels.js';
import type { ClientMessage, Member } from '../protocol/messages.js';
import { type FrameError, parseClientMessage } from '../protocol/parse.js';
import { type Connection, type SocketData, sendError, sendFrame } from './connection.js';
import { type DispatchHost, dispatch } from './dispatch.js';
import { defaultLimits, idleTimeoutToSeconds, type WebSocketLimits, type WebSocketServerOptions } from './options.js';
import { TokenBucket } from './rate-limit.js';
import { upgradeHandler } from './upgrade.js';

/** Options of a server-side publish. */
export interface PublishOptions {
  /** Connection id that must not receive this message (usually the sender). */
  except?: string;
}

function defaultMember(user: unknown, connectionId: string): Member {
  if (typeof user === 'object' && user !== null && 'id' in user) {
    const { id, info } = user as { id: unknown; info?: unknown };
    if (typeof id === 'string' || typeof id === 'number') return info === undefined ? { id: String(id) } : { id: String(id), info };
  }
  return { id: connectionId };
}

/** What WebSocketHub.stats() returns. */
export interface WebSocketHubStats {
  /** Open connections on this server. */
  connections: number;
  /** Distinct channels this server's connections subscribe. */
  channels: number;
  /** Messages received from clients since start. */
  messagesIn: number;
  /** Frames published to this server's subscribers since start (one per publish, whatever the fan-out). */
  messagesOut: number;
  /** Clients whose send buffer is at maxBackpressure now (frames to them are dropped, or they get closed). */
  slowConsumers: number;
}

/**
 * Channels, presence and broadcast on one uWS app. Attach it to an app (the @ody/http server's or its
 * own, see createWebSocketServer), start it, then publish from anywhere through its Broadcaster.
 */
export class WebSocketHub<User = unknown> implements DispatchHost<User> {
  readonly limits: WebSocketLimits;
  readonly adapter: Adapter;
  /** `ws://host:port/path` when the hub listens on its own port (standalone); undefined when attached. */
  url?: string;
  private readonly connections = new Map<string, Connection<User>>();
  /** Messages received from clients, frames published to local subscribers (see stats()). */
  private messagesIn = 0;
  private messagesOut = 0;
  private app?: EngineApp;
  private state: 'created' | 'started' | 'closed' = 'created';
  private readonly logger?: Logger;

  constructor(private readonly options: WebSocketServerOptions<User> = {}) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.limits = { ...defaultLimits, ...(defined as Partial<WebSocketLimits>) };
    this.adapter = options.adapter ?? new LocalAdapter();
    this.logger = options.logger;
  }

  get maxChannelsPerConnection(): number {
    return this.limits.maxChannelsPerConnection;
  }

  /** Register the `.ws()` route on an engine's app (@ody/http's `server.app`, uws or node). */
  attach(app: EngineApp): void {
    if (this.app) throw new WebSocketError('ODY_WS_SERVER_STATE', 'this WebSocket hub is already attached to an app');
    this.app = app;
    app.ws(this.limits.path, this.behavior());
  }

  /** Start the adapter; call before accepting connections. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new WebSocketError('ODY_WS_SERVER_STATE', `cannot start a hub that is ${this.state}`);
    await this.adapter.start({ deliver: (channel, frame, except) => this.deliverLocal(channel, frame, except) });
    this.state = 'started';
  }

  /** Publish `event` with `data` to every subscriber of `channel` on every worker and node. */
  publish(channel: string, event: string, data?: unknown, options: PublishOptions = {}): void {
    if (this.state === 'closed') throw new WebSocketError('ODY_WS_SERVER_STATE', 'cannot publish on a closed WebSocket hub');
    assertChannelName(channel);
    this.broadcast(channel, JSON.stringify({ event, channel, data }), options.except);
  }

  /** Deliver a ready frame locally and through the adapter. */
  broadcast(channel: string, frame: string, except?: string): void {
    this.deliverLocal(channel, frame, except);
    this.adapter.publish(channel, frame, except);
  }

  /** Members of a presence channel across all workers and nodes. */
  members(channel: string): Promise<Member[]> {
    return this.adapter.members(channel);
  }

  /** Open connections across all workers and nodes. */
  connectionCount(): Promise<number> {
    return this.adapter.connectionCount();
  }

  /** Open connections on this server only. */
  localConnectionCount(): number {
    return this.connections.size;
  }

  /** Connections on this server subscribed to `channel` (walks the connections: for diagnostics and tracing, not per message). */
  localSubscriberCount(channel: string): number {
    let n = 0;
    for (const conn of this.connections.values()) if (!conn.closed && conn.channels.has(channel)) n++;
    return n;
  }

  /**
   * Counters and gauges of this server for metrics (walks the connections: call it at scrape time, not
   * per message): open connections, distinct channels they subscribe, messages received from clients and
   * frames published to local subscribers since start, and slow consumers (clients whose buffer is at
   * `maxBackpressure` now, so frames to them are being dropped, or that will be closed).
   */
  stats(): WebSocketHubStats {
    const channels = new Set<string>();
    let slowConsumers = 0;
    for (const conn of this.connections.values()) {
      if (conn.closed) continue;
      for (const c of conn.channels) channels.add(c);
      if (conn.ws !== undefined && conn.ws.getBufferedAmount() >= this.limits.maxBackpressure) slowConsumers++;
    }
    return { connections: this.connections.size, channels: channels.size, messagesIn: this.messagesIn, messagesOut: this.messagesOut, slowConsumers };
  }

  /** Bytes uWS holds for this server's clients right now (bounded by maxBackpressure per client). */
  bufferedBytes(): number {
    let total = 0;
    for (const conn of this.connections.values()) if (!conn.closed && conn.ws) total += conn.ws.getBufferedAmount();
    return total;
  }

  /** Close every connection (1001) and the adapter. The uWS app itself belongs to whoever listens. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const conn of [...this.connections.values()]) {
      if (!conn.closed) conn.ws?.end(1001, 'server shutting down');
    }
    await this.adapter.close();
  }

  memberOf(conn: Connection<User>, channel: string): Member {
    return this.options.presenceMember?.(conn.user, channel, conn.id) ?? defaultMember(conn.user, conn.id);
  }

  authorizeChannel(user: User, channel: string): boolean | Promise<boolean> {
    return this.options.authorizeChannel ? this.options.authorizeChannel(user, channel) : false;
  }

  canPublish(user: User, channel: string): boolean | Promise<boolean> {
    return this.options.canPublish ? this.options.canPublish(user, channel) : false;
  }

  join(channel: string, connectionId: string, member: Member): Promise<void> {
    return this.adapter.join(channel, connectionId, member);
  }

  leave(channel: string, connectionId: string): Promise<void> {
    return this.adapter.leave(channel, connectionId);
  }

  logInternal(err: unknown, conn: Connection<User>, msg: ClientMessage): void {
    this.logger?.error({ err, connectionId: conn.id, type: msg.type }, 'websocket hook failed');
  }

  private deliverLocal(channel: string, frame: string, except?: string): void {
    if (!this.app) return;
    this.messagesOut++;
    const topic = topicOf(channel);
    const skip = except === undefined ? undefined : this.connections.get(except);
    // ws.publish reaches every subscriber but the socket itself: exactly "except".
    const ws = skip && !skip.closed && skip.channels.has(channel) ? skip.ws : undefined;
    if (ws) ws.cork(() => ws.publish(topic, frame, false));
    else this.app.publish(topic, frame, false);
  }

  private newConnection = (user: User): Connection<User> => {
    const { rateLimit } = this.limits;
    return {
      id: randomUUID(),
      user,
      channels: new Set(),
      presence: new Set(),
      bucket: rateLimit ? new TokenBucket(rateLimit.limit, rateLimit.windowMs) : undefined,
      queue: Promise.resolve(),
      closed: false,
    };
  };

  private behavior(): WebSocketBehavior<SocketData<User>> {
    const { limits } = this;
    return {
      // uWS drops oversize frames without a close frame (1006). It gets a hard cap above ours so that
      // frames over maxPayload reach onMessage and get a proper 1009; far larger ones are cut by uWS.
      maxPayloadLength: Math.max(2 * limits.maxPayload, limits.maxPayload + 64 * 1024),
      idleTimeout: idleTimeoutToSeconds(limits.idleTimeoutMs),
      sendPingsAutomatically: true,
      maxBackpressure: limits.maxBackpressure,
      closeOnBackpressureLimit: limits.backpressurePolicy === 'close' ? 1 : 0,
      upgrade: upgradeHandler(this.options, this.newConnection, this.logger),
      open: (ws) => this.onOpen(ws),
      message: (ws, message) => this.onMessage(ws, message),
      close: (ws) => this.onClose(ws),
    };
  }

  private onOpen(ws: WebSocket<SocketData<User>>): void {
    const { conn } = ws.getUserData();
    if (this.state === 'closed') {
      ws.end(1001, 'server shutting down');
      return;
    }
    conn.ws = ws;
    this.connections.set(conn.id, conn);
    this.adapter.setLocalConnections(this.connections.size);
    // Not from inside open(): after an async upgrade, open runs in the upgrade's cork, and a send there
    // can wedge the socket (uWebSockets.js#1108). The next tick is still before any channel traffic.
    setImmediate(() => sendFrame(conn, { event: 'connected', data: { connectionId: conn.id } }));
  }

  private onMessage(ws: WebSocket<SocketData<User>>, message: ArrayBuffer): void {
    const { conn } = ws.getUserData();
    this.messagesIn++;
    if (message.byteLength > this.limits.maxPayload) {
      ws.end(1009, 'message too big');
      return;
    }
    let msg: ClientMessage;
    try {
      // The ArrayBuffer is only valid until this callback returns: parse it now.
      msg = parseClientMessage(message);
    } catch (err) {
      const e = err as FrameError;
      sendError(conn, e.code, e.message, e.messageId);
      return;
    }
    if (conn.bucket && !conn.bucket.take()) {
      sendError(conn, 'ODY_WS_RATE_LIMITED', 'too many messages; slow down (message dropped)', msg.id);
      return;
    }
    // Hooks run inside an Ody context, so what they call (buses, queues, logs) carries a correlation id.
    conn.queue = conn.queue.then(() => runInContext({ correlationId: newId(), connectionId: conn.id }, () => dispatch(this, conn, msg)));
  }

  private onClose(ws: WebSocket<SocketData<User>>): void {
    const { conn } = ws.getUserData();
    conn.closed = true;
    if (!this.connections.delete(conn.id)) return;
    this.adapter.setLocalConnections(this.connections.size);
    for (const channel of conn.presence) {
      this.adapter.leave(channel, conn.id).catch((err: unknown) => {
        this.logger?.warn({ err, channel, connectionId: conn.id }, 'presence leave failed');
      });
    }
    conn.presence.clear();
    conn.channels.clear();
  }
}
