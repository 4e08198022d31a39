/** @ody/websocket/redis — the Redis adapter (needs the optional peer `ioredis`). */
export { RedisAdapter, type RedisAdapterOptions, redisAdapter } from './adapters/redis/adapter.js';
