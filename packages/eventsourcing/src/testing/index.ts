// TestApi is @ody/queue/testing's (one type for every conformance suite); `until` stays internal.
export type { TestApi } from './api.js';
export { type ConformanceOptions, eventStoreConformance, type StoreFactory } from './conformance.js';
export { aggregateSpec, deciderSpec, type ErrorMatcher, projectionSpec, sagaSpec, type SagaThen, type SpecOptions, type Then } from './spec.js';
