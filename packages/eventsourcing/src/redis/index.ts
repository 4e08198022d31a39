export { RedisEventStore, type RedisEventStoreOptions, redisEventStore } from './store.js';
