import type { HttpRequest, HttpResponse, WebSocketBehavior } from 'uWebSockets.js';

/** The two engines: `uws` (uWebSockets.js native binary) and `node` (node:http + ws). */
export type EngineName = 'uws' | 'node';
/** What `http.engine` / `ODY_HTTP_ENGINE` accept: `auto` picks uws when its binary loads. */
export type EngineChoice = 'auto' | EngineName;

/** A route handler in uWS shape: both engines call it with a response and a request. */
export type EngineHandler = (res: HttpResponse, req: HttpRequest) => void;

/**
 * The part of a uWS `TemplatedApp` Ody uses. The `uws` engine is the uWS app itself (no wrapper on
 * the hot path); the `node` engine implements the same surface over node:http and `ws`, and
 * `server.inject()` over in-memory objects. Response/request objects follow uWS semantics.
 */
export interface EngineApp {
  get(pattern: string, handler: EngineHandler): unknown;
  post(pattern: string, handler: EngineHandler): unknown;
  put(pattern: string, handler: EngineHandler): unknown;
  patch(pattern: string, handler: EngineHandler): unknown;
  del(pattern: string, handler: EngineHandler): unknown;
  head(pattern: string, handler: EngineHandler): unknown;
  options(pattern: string, handler: EngineHandler): unknown;
  any(pattern: string, handler: EngineHandler): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: user data differs per WebSocket route
  ws(pattern: string, behavior: WebSocketBehavior<any>): unknown;
  /** Send to every WebSocket subscribed to `topic`. */
  publish(topic: string, message: string | ArrayBuffer | Uint8Array, isBinary?: boolean): boolean;
}

/** A bound listening socket. */
export interface ListenHandle {
  readonly port: number;
  /** Stop accepting new connections (open ones stay). */
  close(): void;
}

/** Options an engine needs to build an app. */
export interface EngineAppOptions {
  /** Parser bound for the request head (node engine); our own 431 check runs on top. */
  maxHeaderBytes: number;
  /** Head (request line + headers) must arrive within this; slower gets 408 (node engine). */
  headersTimeoutMs: number;
  /** Idle keep-alive sockets close after this (uWS closes them after 10 s). */
  keepAliveTimeoutMs: number;
}

/** One engine: builds apps, binds them, closes them. */
export interface HttpEngine {
  readonly name: EngineName;
  /** Why this engine runs (logged once at start). */
  readonly reason: string;
  /** Header names/values must be strings (node, inject) rather than pre-encoded bytes (uws). */
  readonly stringWire: boolean;
  createApp(options: EngineAppOptions): EngineApp;
  listen(app: EngineApp, host: string, port: number): Promise<ListenHandle | false>;
  /** Close every socket of the app now (listen sockets, keep-alives, WebSockets). */
  closeApp(app: EngineApp): void;
}
