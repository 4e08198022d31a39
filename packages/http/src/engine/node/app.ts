import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpRequest, HttpResponse, WebSocketBehavior } from 'uWebSockets.js';
import { WebSocketServer } from 'ws';
import { type MethodKey, RouteTable } from '../routes.js';
import type { EngineApp, EngineAppOptions, EngineHandler } from '../types.js';
import { clientErrorResponse } from './client-error.js';
import { NodeRequest, splitTarget } from './request.js';
import { NodeResponse } from './response.js';
import { NodeUpgradeResponse, type NodeWebSocket, Topics } from './websocket.js';

// biome-ignore lint/suspicious/noExplicitAny: user data differs per route
type Behavior = WebSocketBehavior<any>;

interface WsRoute {
  behavior: Behavior;
  wss: WebSocketServer;
}

/**
 * The node engine's app: node:http for requests, `ws` for upgrades, with the uWS app surface
 * Ody's server and WebSocket hub use. Each app owns one node:http server.
 */
export class NodeApp implements EngineApp {
  readonly server: Server;
  private readonly routes = new RouteTable();
  private readonly wsRoutes = new Map<string, WsRoute>();
  private readonly topics = new Topics();
  private readonly live = new Set<NodeWebSocket>();
  private readonly sockets = new Set<Socket>();
  private idleTimer?: NodeJS.Timeout;

  constructor(options: EngineAppOptions) {
    this.server = createServer(
      {
        maxHeaderSize: options.maxHeaderBytes,
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: 0, // the body deadline is Ody's own (limits.requestTimeoutMs → 408)
        keepAliveTimeout: options.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.min(1000, options.headersTimeoutMs),
        // node's own Host check answers a bare 400; onRequest answers it as problem+json instead.
        requireHostHeader: false,
        noDelay: true,
      },
      (req, res) => this.onRequest(req, res),
    );
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (socket.writable && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) socket.end(clientErrorResponse(err));
      else socket.destroy();
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  private add(method: MethodKey, pattern: string, handler: EngineHandler): this {
    this.routes.add(method, pattern, handler);
    return this;
  }
  get(p: string, h: EngineHandler): this {
    return this.add('get', p, h);
  }
  post(p: string, h: EngineHandler): this {
    return this.add('post', p, h);
  }
  put(p: string, h: EngineHandler): this {
    return this.add('put', p, h);
  }
  patch(p: string, h: EngineHandler): this {
    return this.add('patch', p, h);
  }
  del(p: string, h: EngineHandler): this {
    return this.add('del', p, h);
  }
  head(p: string, h: EngineHandler): this {
    return this.add('head', p, h);
  }
  options(p: string, h: EngineHandler): this {
    return this.add('options', p, h);
  }
  any(p: string, h: EngineHandler): this {
    return this.add('any', p, h);
  }

  ws(pattern: string, behavior: Behavior): this {
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: behavior.maxPayloadLength ?? 16 * 1024,
    });
    this.wsRoutes.set(pattern, { behavior, wss });
    const idle = behavior.idleTimeout ?? 120;
    if (idle > 0) this.startIdleSweep(idle * 1000, behavior.sendPingsAutomatically !== false);
    return this;
  }

  publish(topic: string, message: string | ArrayBuffer | Uint8Array, isBinary = false): boolean {
    return this.topics.publish(topic, message, isBinary);
  }

  /** Close every socket now: listeners, keep-alives, WebSockets. */
  close(): void {
    clearInterval(this.idleTimer);
    this.server.close();
    for (const ws of [...this.live]) ws.close();
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url.charCodeAt(0) !== 47 /* '/' */) {
      badRequest(res, 'Only origin-form request targets are accepted.');
      return;
    }
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is answered 400. Read from rawHeaders: the
    // `req.headers` getter would build a header object per request that nothing else uses.
    if (req.httpVersionMinor >= 1 && req.httpVersionMajor === 1 && !hasHost(req.rawHeaders)) {
      badRequest(res, 'An HTTP/1.1 request needs a Host header.');
      return;
    }
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const match = this.routes.match(req.method ?? 'GET', path);
    if (match === undefined) {
      res.writeHead(404, { 'content-length': '0' });
      res.end();
      return;
    }
    const request = new NodeRequest(req, path, q < 0 ? undefined : url.slice(q + 1), match.params);
    match.handler(new NodeResponse(req, res) as unknown as HttpResponse, request as unknown as HttpRequest);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path, query } = splitTarget(req.url ?? '/');
    const route = this.wsRoutes.get(path);
    if (route === undefined || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const res = new NodeUpgradeResponse({ req, socket, head, wss: route.wss, behavior: route.behavior, topics: this.topics, live: this.live });
    const request = new NodeRequest(req, path, query, []);
    if (route.behavior.upgrade === undefined) {
      res.upgrade({});
      return;
    }
    route.behavior.upgrade(res as unknown as HttpResponse, request as unknown as HttpRequest, undefined as never);
  }

  private startIdleSweep(idleMs: number, ping: boolean): void {
    if (this.idleTimer !== undefined) return;
    this.idleTimer = setInterval(() => {
      const now = Date.now();
      for (const ws of this.live) {
        const quiet = now - ws.lastSeen;
        if (quiet > idleMs) ws.close();
        else if (ping && quiet > idleMs / 2) ws.ping();
      }
    }, Math.max(250, Math.floor(idleMs / 4)));
    this.idleTimer.unref();
  }
}

/** Whether raw headers (name, value, name, value, …) hold a Host header. */
function hasHost(raw: string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length === 4 && k.toLowerCase() === 'host') return true;
  }
  return false;
}

/** A 400 problem+json for a request the engine rejects before routing; the connection is closed. */
function badRequest(res: ServerResponse, detail: string): void {
  res.writeHead(400, { 'content-type': 'application/problem+json', connection: 'close' });
  res.end(JSON.stringify({ type: 'https://ody.dev/errors/ODY_HTTP_BAD_REQUEST', title: 'Bad Request', status: 400, detail, code: 'ODY_HTTP_BAD_REQUEST' }));
}
