/** @ody/websocket/client — browser and Node client of the Ody WebSocket protocol. */
export { type BackoffOptions, backoffDelay } from './client/backoff.js';
export { ClientChannel, type ChannelEventMap, type EventMeta, type ChannelHandler } from './client/channel.js';
export { type ClientEvent, type ClientOptions, createClient, OdyWebSocketClient } from './client/client.js';
export { WebSocketClientError } from './client/errors.js';
export type { SocketFactory, SocketLike } from './client/socket.js';
export type { Member } from './protocol/messages.js';
