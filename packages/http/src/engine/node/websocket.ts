import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketBehavior } from 'uWebSockets.js';
import type { WebSocket as WsSocket, WebSocketServer } from 'ws';

/** Topic subscriptions of one app (uWS keeps them natively). */
export class Topics {
  private readonly subscribers = new Map<string, Set<NodeWebSocket>>();

  add(topic: string, ws: NodeWebSocket): boolean {
    let set = this.subscribers.get(topic);
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(topic, set);
    }
    if (set.has(ws)) return false;
    set.add(ws);
    return true;
  }

  delete(topic: string, ws: NodeWebSocket): boolean {
    const set = this.subscribers.get(topic);
    if (set === undefined || !set.delete(ws)) return false;
    if (set.size === 0) this.subscribers.delete(topic);
    return true;
  }

  /** Send to every subscriber but `except` (uWS ws.publish skips the publishing socket). */
  publish(topic: string, message: string | ArrayBuffer | Uint8Array, isBinary: boolean, except?: NodeWebSocket): boolean {
    const set = this.subscribers.get(topic);
    if (set === undefined) return true;
    // Encode a text frame once for every subscriber: `ws` would UTF-8 encode the string again per socket.
    const data = typeof message === 'string' ? (set.size > 1 ? Buffer.from(message) : message) : message instanceof ArrayBuffer ? new Uint8Array(message) : message;
    for (const ws of set) if (ws !== except) ws.send(data, isBinary);
    return true;
  }
}

/** Backpressure settings of a WebSocket route (uWS behaviour options). */
interface Pressure {
  maxBackpressure: number;
  closeOnBackpressureLimit: boolean;
}

/**
 * A uWS-shaped WebSocket over a `ws` socket. `send` answers like uWS: 1 sent, 0 sent but
 * buffering, 2 dropped because the client is over `maxBackpressure` (or closed with
 * `closeOnBackpressureLimit`).
 */
export class NodeWebSocket<UserData = unknown> {
  readonly topics = new Set<string>();
  closed = false;
  /** Last time the client showed life (message or pong), for the idle timeout. */
  lastSeen = Date.now();

  constructor(
    readonly ws: WsSocket,
    private readonly data: UserData,
    private readonly registry: Topics,
    private readonly pressure: Pressure,
    private readonly address: string,
  ) {}

  getUserData(): UserData {
    return this.data;
  }

  send(message: string | ArrayBuffer | Uint8Array, isBinary = false): number {
    if (this.closed) return 2;
    if (this.ws.bufferedAmount > this.pressure.maxBackpressure) {
      if (this.pressure.closeOnBackpressureLimit) this.ws.terminate();
      return 2;
    }
    this.ws.send(message instanceof ArrayBuffer ? new Uint8Array(message) : message, { binary: isBinary });
    return this.ws.bufferedAmount > 0 ? 0 : 1;
  }

  end(code?: number, reason?: string): void {
    if (!this.closed) this.ws.close(code, reason);
  }

  close(): void {
    if (!this.closed) this.ws.terminate();
  }

  cork(cb: () => void): this {
    cb();
    return this;
  }

  getBufferedAmount(): number {
    return this.closed ? 0 : this.ws.bufferedAmount;
  }

  subscribe(topic: string): boolean {
    if (this.closed) return false;
    this.topics.add(topic);
    return this.registry.add(topic, this);
  }

  unsubscribe(topic: string): boolean {
    this.topics.delete(topic);
    return this.registry.delete(topic, this);
  }

  isSubscribed(topic: string): boolean {
    return this.topics.has(topic);
  }

  getTopics(): string[] {
    return [...this.topics];
  }

  publish(topic: string, message: string | ArrayBuffer | Uint8Array, isBinary = false): boolean {
    return this.registry.publish(topic, message, isBinary, this);
  }

  ping(message?: string | Uint8Array): number {
    if (this.closed) return 2;
    this.ws.ping(message);
    return 1;
  }

  getRemoteAddressAsText(): Uint8Array {
    return Buffer.from(this.address);
  }

  /** @internal the socket closed: leave every topic. */
  detach(): void {
    this.closed = true;
    for (const t of this.topics) this.registry.delete(t, this);
    this.topics.clear();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: user data differs per route
type Behavior = WebSocketBehavior<any>;

/** Everything an upgrade needs to finish on the node engine. */
export interface UpgradeContext {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  wss: WebSocketServer;
  behavior: Behavior;
  topics: Topics;
  live: Set<NodeWebSocket>;
}

/**
 * A uWS-shaped upgrade response: `upgrade()` hands the socket to `ws`; `writeStatus/end` answer
 * the upgrade request with a plain HTTP response (e.g. 401) and close.
 */
export class NodeUpgradeResponse {
  private status = '200 OK';
  private readonly headers: string[] = [];
  private settled = false;
  private abortFn?: () => void;

  constructor(private readonly c: UpgradeContext) {
    c.socket.once('close', () => {
      if (!this.settled) {
        this.settled = true;
        this.abortFn?.();
      }
    });
    c.socket.on('error', () => undefined);
  }

  writeStatus(line: string): this {
    this.status = line;
    return this;
  }

  writeHeader(key: string, value: string): this {
    this.headers.push(`${key}: ${value}`);
    return this;
  }

  end(body = '', _closeConnection?: boolean): this {
    if (this.settled) return this;
    this.settled = true;
    const head = [`HTTP/1.1 ${this.status}`, ...this.headers, `content-length: ${Buffer.byteLength(body)}`, 'connection: close'];
    this.c.socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    return this;
  }

  endWithoutBody(): this {
    return this.end();
  }

  cork(cb: () => void): this {
    cb();
    return this;
  }

  onAborted(fn: () => void): this {
    this.abortFn = fn;
    return this;
  }

  getRemoteAddressAsText(): Uint8Array {
    return Buffer.from(this.c.req.socket.remoteAddress ?? '');
  }

  upgrade(data: unknown): void {
    if (this.settled) return;
    this.settled = true;
    const { req, socket, head, wss, behavior, topics, live } = this.c;
    const address = req.socket.remoteAddress ?? '';
    wss.handleUpgrade(req, socket, head, (ws) => {
      const nws = new NodeWebSocket(ws, data, topics, {
        maxBackpressure: behavior.maxBackpressure ?? 64 * 1024,
        closeOnBackpressureLimit: Boolean(behavior.closeOnBackpressureLimit),
      }, address);
      live.add(nws);
      const uwsLike = nws as never;
      ws.on('message', (msg: Buffer, isBinary: boolean) => {
        nws.lastSeen = Date.now();
        const ab = msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.byteLength) as ArrayBuffer;
        behavior.message?.(uwsLike, ab, isBinary);
      });
      ws.on('pong', () => {
        nws.lastSeen = Date.now();
      });
      ws.on('ping', () => {
        nws.lastSeen = Date.now();
      });
      ws.on('error', () => undefined); // protocol errors (e.g. invalid UTF-8 → 1007) close the socket; 'close' follows
      ws.once('close', (code: number, reason: Buffer) => {
        live.delete(nws);
        nws.detach();
        const r = reason.buffer.slice(reason.byteOffset, reason.byteOffset + reason.byteLength) as ArrayBuffer;
        behavior.close?.(uwsLike, code, r);
      });
      behavior.open?.(uwsLike);
    });
  }
}
