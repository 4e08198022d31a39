import type { Logger } from '@ody/core';
import type { Adapter } from '../adapters/adapter.js';
import type { Member } from '../protocol/messages.js';

/** What authenticate() sees of the upgrade request; copied before any await, so it stays valid. */
export interface UpgradeRequest {
  /** Path, e.g. `/ws`. */
  url: string;
  /** Raw query string without `?`. */
  query: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  remoteAddress: string;
}

/** Hooks deciding who may connect and what they may do. `User` is what authenticate() returns. */
export interface WebSocketHooks<User = unknown> {
  /**
   * Called at upgrade, before the socket opens. Return the user, or null/undefined/false to answer
   * HTTP 401. Throwing a WebSocketError('ODY_WS_UNAUTHORIZED') also answers 401; any other throw 500.
   * Without it every connection is anonymous (user `undefined`).
   */
  authenticate?: (request: UpgradeRequest) => User | null | undefined | false | Promise<User | null | undefined | false>;
  /** Decides `private-…` and `presence-…` subscriptions. Without it they are all refused. */
  authorizeChannel?: (user: User, channel: string) => boolean | Promise<boolean>;
  /** Whether a client may `publish` on a channel. Default: never (only the server publishes). */
  canPublish?: (user: User, channel: string) => boolean | Promise<boolean>;
  /**
   * The presence member of a user. Default: `{ id: String(user.id), info: user.info }` when the user has
   * an `id`, else one member per connection (`{ id: connectionId }`).
   */
  presenceMember?: (user: User, channel: string, connectionId: string) => Member;
}

/** What a server does with a client that reads too slowly. */
export type BackpressurePolicy = 'drop' | 'close';

/** Limits and health settings (all optional; defaults in `defaultLimits`). */
export interface WebSocketLimits {
  /** Upgrade path. Default `/ws`. */
  path: string;
  /** Largest client frame in bytes; a larger one closes the socket with 1009. Default 64 KiB. */
  maxPayload: number;
  /** Most channels one connection may join. Default 100. */
  maxChannelsPerConnection: number;
  /**
   * Token bucket per connection: at most `limit` client messages in a burst, refilled at `limit` per
   * `windowMs` (the shape of @ody/http's `rateLimit`); over it → ODY_WS_RATE_LIMITED. `false` disables.
   * Default `{ limit: 200, windowMs: 1000 }`.
   */
  rateLimit: { limit: number; windowMs: number } | false;
  /**
   * Milliseconds without traffic before the socket is closed; pings are sent automatically. 0 disables.
   * uWS counts whole seconds and at least 8: a value is rounded up to the next second and to at least
   * 8000 (so 1 → 8 s, 8500 → 9 s). Default 120_000.
   */
  idleTimeoutMs: number;
  /** Bytes buffered for one slow client before the policy applies. Default 1 MiB. */
  maxBackpressure: number;
  /** `drop`: skip messages to that client until it catches up; `close`: close it. Default `drop`. */
  backpressurePolicy: BackpressurePolicy;
}

/** Defaults for WebSocketLimits. */
export const defaultLimits: WebSocketLimits = {
  path: '/ws',
  maxPayload: 64 * 1024,
  maxChannelsPerConnection: 100,
  rateLimit: { limit: 200, windowMs: 1000 },
  idleTimeoutMs: 120_000,
  maxBackpressure: 1024 * 1024,
  backpressurePolicy: 'drop',
};

/** Everything a WebSocket server accepts. */
export interface WebSocketServerOptions<User = unknown> extends WebSocketHooks<User>, Partial<WebSocketLimits> {
  /** Relay to other workers/nodes. Default: a local (single server) adapter. */
  adapter?: Adapter;
  logger?: Logger;
}

/**
 * uWS's idleTimeout from `idleTimeoutMs`: uWS takes whole seconds, 0 (off) or at least 8, so a value is
 * rounded up to the next second and raised to 8 (not exported: an implementation detail of the hub).
 */
export function idleTimeoutToSeconds(idleTimeoutMs: number): number {
  return idleTimeoutMs === 0 ? 0 : Math.max(8, Math.ceil(idleTimeoutMs / 1000));
}
