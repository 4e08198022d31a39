export { QueueHttpError } from './errors.js';
export { Forwarder, type ForwarderOptions } from './forwarder.js';
export { fileSeenStore, memorySeenStore, type SeenStore } from './seen.js';
export { mountQueueServer, type QueueServerOptions, type WireMessage } from './server.js';
