import type { TestApi } from './api.js';
import { basicCases } from './cases-basic.js';
import { contractCases } from './cases-contract.js';
import { failureCases } from './cases-failure.js';
import { leaseCases } from './cases-lease.js';
import { type ObserveOptions, observeCases } from './cases-observe.js';
import { type DriverFactory, Harness } from './harness.js';

export type { TestApi } from './api.js';
export type { ObserveOptions } from './cases-observe.js';
export { type DriverFactory, gate, Harness, sleep, until } from './harness.js';

/**
 * Register the queue-driver conformance suite (describe/it blocks) for a driver. Every driver runs it
 * unchanged. Each test uses its own queue name; `factory` may be called several times per test
 * (drivers built by one factory should share one store, as processes would). `options` describes what
 * the observability cases may expect (oldestWaitingAt is checked unless `oldestWaitingAt: false`).
 * @example
 * import * as vitest from 'vitest';
 * import { queueConformance } from '@ody/queue/testing';
 * queueConformance('redis', () => redisDriver({ url }), vitest);
 */
export function queueConformance(name: string, factory: DriverFactory, api: TestApi, options: ObserveOptions = {}): void {
  const { describe, beforeEach, afterEach } = api;
  describe(`queue driver conformance: ${name}`, () => {
    let harness: Harness | undefined;
    beforeEach(() => {
      harness = new Harness(factory);
    });
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    const h = (): Harness => harness!;
    describe('push and process', () => basicCases(h, api));
    describe('failures and the failed store', () => failureCases(h, api));
    describe('leases, stalls and shutdown', () => leaseCases(h, api));
    describe('contract errors', () => contractCases(h, api));
    describe('what metrics and tracing read', () => observeCases(h, api, options));
  });
}
