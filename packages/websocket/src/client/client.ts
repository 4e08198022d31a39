import type { Member } from '../protocol/messages.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { ClientChannel, type ChannelEventMap } from './channel.js';
import { WebSocketClientError } from './errors.js';
import { defaultSocketFactory, type SocketFactory, type SocketLike } from './socket.js';

/** Options of OdyWebSocketClient. */
export interface ClientOptions {
  /** `ws://…/ws`; a function is called on every (re)connect, e.g. to put a fresh token in the query. */
  url: string | (() => string);
  /** WebSocket implementation; default: global WebSocket, else `ws`. */
  WebSocket?: SocketFactory;
  /** Headers for the upgrade (Node `ws` only; browsers cannot set them). */
  headers?: Record<string, string>;
  /** How long to wait for an ack. Default 10 s. */
  ackTimeoutMs?: number;
  /** Reconnect with backoff after an unexpected close; `false` disables. Default on. */
  reconnect?: BackoffOptions | false;
}

/** Lifecycle events of the client. */
export type ClientEvent = 'open' | 'close' | 'reconnecting' | 'error';

interface Pending {
  resolve(data: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Frame {
  event?: string;
  channel?: string;
  id?: number | string;
  data?: unknown;
  from?: string;
  code?: string;
  message?: string;
}

/**
 * Client of an Ody WebSocket server, for browsers and Node: reconnects with backoff and jitter,
 * resubscribes after a reconnect, and turns acks into promises.
 * @example
 * const client = new OdyWebSocketClient({ url: 'ws://localhost:3000/ws' });
 * await client.connect();
 * const news = await client.subscribe<{ headline: { title: string } }>('news');
 * news.on('headline', (h) => console.log(h.title));
 */
export class OdyWebSocketClient {
  /** The server's id for the current connection. */
  connectionId?: string;
  private socket?: SocketLike;
  private nextId = 1;
  private attempt = 0;
  private userClosed = false;
  private open = false;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private readonly pending = new Map<number, Pending>();
  private readonly channels = new Map<string, ClientChannel<ChannelEventMap>>();
  private readonly listeners = new Map<ClientEvent, Set<(info: unknown) => void>>();
  private openWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];

  constructor(private readonly options: ClientOptions) {}

  /** True while connected (after the server's `connected` frame). */
  get connected(): boolean {
    return this.open;
  }

  /** Connect; resolves once the server says `connected` (retrying per `reconnect`). */
  connect(): Promise<void> {
    this.userClosed = false;
    if (this.open) return Promise.resolve();
    const ready = this.waitOpen();
    if (!this.socket && !this.reconnectTimer) void this.dial();
    return ready;
  }

  /** Listen to lifecycle events: open (info: { reconnected }), close (info: { code, reason }), reconnecting (info: { delayMs }), error. */
  on(event: ClientEvent, listener: (info: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Join a channel (resubscribed automatically after reconnects). Rejects with the server's error code. */
  async subscribe<E extends ChannelEventMap = ChannelEventMap>(name: string): Promise<ClientChannel<E>> {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = new ClientChannel(name, { send: (m) => this.send(m), unsubscribe: (c) => this.unsubscribe(c) });
      this.channels.set(name, channel);
    }
    if (!this.open) await this.waitOpen();
    try {
      const data = (await this.send({ type: 'subscribe', channel: name })) as { members?: Member[] } | undefined;
      channel.setMembers(data?.members);
    } catch (err) {
      this.channels.delete(name);
      throw err;
    }
    return channel as unknown as ClientChannel<E>;
  }

  /** Leave a channel. */
  async unsubscribe(name: string): Promise<void> {
    this.channels.delete(name);
    if (this.open) await this.send({ type: 'unsubscribe', channel: name });
  }

  /** A channel already subscribed, if any. */
  channel<E extends ChannelEventMap = ChannelEventMap>(name: string): ClientChannel<E> | undefined {
    return this.channels.get(name) as ClientChannel<E> | undefined;
  }

  /** Round trip to the server. */
  async ping(): Promise<void> {
    await this.send({ type: 'ping' });
  }

  /** Send a protocol message with a fresh id; resolves with the ack's data. */
  send(message: Record<string, unknown>): Promise<unknown> {
    const socket = this.socket;
    if (!this.open || !socket) {
      return Promise.reject(new WebSocketClientError('ODY_WS_NOT_CONNECTED', 'not connected; call connect() first'));
    }
    const id = this.nextId++;
    const timeoutMs = this.options.ackTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WebSocketClientError('ODY_WS_ACK_TIMEOUT', `no ack for "${String(message.type)}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...message, id }));
    });
  }

  /** Close for good (no reconnect); pending acks reject with ODY_WS_NOT_CONNECTED. */
  close(): void {
    this.userClosed = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.socket?.close(1000, 'client closed');
    this.dropSocket(new WebSocketClientError('ODY_WS_NOT_CONNECTED', 'the client was closed'));
    for (const w of this.openWaiters.splice(0)) w.reject(new WebSocketClientError('ODY_WS_NOT_CONNECTED', 'the client was closed'));
  }

  private waitOpen(): Promise<void> {
    return new Promise((resolve, reject) => this.openWaiters.push({ resolve, reject }));
  }

  private emit(event: ClientEvent, info: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(info);
  }

  private async dial(): Promise<void> {
    const Factory = this.options.WebSocket ?? (await defaultSocketFactory());
    if (this.userClosed) return;
    const url = typeof this.options.url === 'function' ? this.options.url() : this.options.url;
    const socket = this.options.headers ? new Factory(url, undefined, { headers: this.options.headers }) : new Factory(url);
    this.socket = socket;
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = (ev) => this.emit('error', ev);
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.dropSocket(new WebSocketClientError('ODY_WS_NOT_CONNECTED', `connection closed (${ev.code})`));
      this.emit('close', { code: ev.code, reason: ev.reason });
      this.scheduleReconnect();
    };
  }

  private dropSocket(err: Error): void {
    this.socket = undefined;
    this.open = false;
    this.connectionId = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  private scheduleReconnect(): void {
    if (this.userClosed) return;
    if (this.options.reconnect === false) {
      const err = new WebSocketClientError('ODY_WS_NOT_CONNECTED', 'connection closed and reconnect is disabled');
      for (const w of this.openWaiters.splice(0)) w.reject(err);
      return;
    }
    const delayMs = backoffDelay(this.attempt++, this.options.reconnect);
    this.emit('reconnecting', { delayMs, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.dial();
    }, delayMs);
  }

  private receive(raw: unknown): void {
    let frame: Frame;
    try {
      frame = JSON.parse(typeof raw === 'string' ? raw : String(raw)) as Frame;
    } catch {
      this.emit('error', new WebSocketClientError('ODY_WS_MALFORMED_FRAME', 'server sent a frame that is not JSON'));
      return;
    }
    switch (frame.event) {
      case 'connected':
        this.onConnected(frame.data as { connectionId: string });
        return;
      case 'ack':
        this.settle(frame.id, (p) => p.resolve(frame.data));
        return;
      case 'error': {
        const err = new WebSocketClientError(frame.code ?? 'ODY_WS_INTERNAL', frame.message ?? 'server error', { channel: frame.channel });
        if (typeof frame.id === 'number' && this.pending.has(frame.id)) this.settle(frame.id, (p) => p.reject(err));
        else this.emit('error', err);
        return;
      }
      case 'subscribed':
      case 'pong':
        return;
      default:
        if (frame.channel && frame.event) this.channels.get(frame.channel)?.dispatch(frame.event, frame.data, frame.from);
    }
  }

  private settle(id: unknown, fn: (p: Pending) => void): void {
    if (typeof id !== 'number') return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    fn(p);
  }

  private onConnected(data: { connectionId: string }): void {
    const reconnected = this.attempt > 0;
    this.open = true;
    this.attempt = 0;
    this.connectionId = data.connectionId;
    for (const channel of this.channels.values()) {
      if (!reconnected) continue;
      // Resubscribe what the user had before the connection dropped.
      this.send({ type: 'subscribe', channel: channel.name }).then(
        (d) => channel.setMembers((d as { members?: Member[] } | undefined)?.members),
        (err: unknown) => this.emit('error', err),
      );
    }
    for (const w of this.openWaiters.splice(0)) w.resolve();
    this.emit('open', { reconnected });
  }
}

/** Create a client (same as `new OdyWebSocketClient(options)`). */
export function createClient(options: ClientOptions): OdyWebSocketClient {
  return new OdyWebSocketClient(options);
}
