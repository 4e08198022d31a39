export { type TestApi, until } from './api.js';
export { type ConformanceOptions, eventStoreConformance, type StoreFactory } from './conformance.js';
