/** @ody/websocket — channels, presence and broadcast on uWebSockets.js, across workers and nodes. */
export { type Adapter, type AdapterSink, memberFrame } from './adapters/adapter.js';
export { LocalAdapter, localAdapter } from './adapters/local.js';
export { WorkerAdapter, type WorkerAdapterOptions, workerAdapter } from './adapters/worker.js';
export { Broadcaster } from './broadcaster.js';
export { errorCodes as websocketErrorCodes, WebSocketError, type WebSocketErrorCode } from './errors.js';
export { type WebSocketConfig, websocketConfigSchema } from './plugin/config.js';
export { WebSocketHubToken, type WebSocketPluginOptions, websocketPlugin } from './plugin/plugin.js';
export { PresenceReplica, type PresenceTransition } from './presence/replica.js';
export { assertChannelName, type ChannelKind, channelKind } from './protocol/channels.js';
export type { ClientMessage, Member, MessageId, ServerFrame } from './protocol/messages.js';
export { parseClientMessage } from './protocol/parse.js';
export { type PublishOptions, WebSocketHub, type WebSocketHubStats } from './server/hub.js';
export {
  type BackpressurePolicy,
  defaultLimits,
  type UpgradeRequest,
  type WebSocketHooks,
  type WebSocketLimits,
  type WebSocketServerOptions,
} from './server/options.js';
export { createWebSocketServer, type StandaloneOptions, type StandaloneServer } from './server/standalone.js';
