import { token } from '@ody/core';
import type { Member } from './protocol/messages.js';
import type { PublishOptions } from './server/hub.js';

/**
 * Publishes to channels from anywhere (HTTP handlers, command handlers, queue workers, tasks) and reads
 * presence. A publish reaches every subscriber on every worker and node the adapter joins.
 * @example
 * app.get(Broadcaster).publish('orders', 'created', { id: 7 });
 */
export interface Broadcaster {
  /** Send `event` with `data` to every subscriber of `channel`, except connection `options.except`. */
  publish(channel: string, event: string, data?: unknown, options?: PublishOptions): void;
  /** Members of a presence channel (`presence-…`) across workers and nodes. */
  members(channel: string): Promise<Member[]>;
  /** Open WebSocket connections across workers and nodes. */
  connectionCount(): Promise<number>;
}

/** DI token of the Broadcaster. */
export const Broadcaster = token<Broadcaster>('@ody/websocket/Broadcaster');
