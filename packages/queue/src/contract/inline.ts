import type { QueueDriver } from './driver.js';
import type { ClaimedJob, NewJob, PushResult } from './job.js';

/**
 * Internal, not part of the public driver contract: synchronous twins of a few driver methods that an
 * in-process driver (memory) can offer under this symbol. The worker runtime and Queue use them to skip
 * a promise round trip per job; every semantic (leases, dedupe, counts) is the driver's own, exactly as
 * through the async methods. Drivers without it are driven through the async contract only.
 */
export const INLINE_OPS: unique symbol = Symbol.for('@ody/queue/inline-ops');

/** Synchronous driver operations (see INLINE_OPS). They throw where the async twin would reject. */
export interface InlineOps {
  /** Same as `push`. */
  push(queue: string, jobs: readonly NewJob[]): PushResult[];
  /** Same as `push` of one job. */
  pushOne(queue: string, job: NewJob): PushResult;
  /** Same as `claim` with `waitMs: 0`. */
  take(queue: string, max: number, leaseMs: number): ClaimedJob[];
  /** Same as `complete`. */
  complete(queue: string, job: ClaimedJob): boolean;
}

/** The driver's inline operations, or undefined when it offers none. */
export function inlineOps(driver: QueueDriver): InlineOps | undefined {
  return (driver as { [INLINE_OPS]?: InlineOps })[INLINE_OPS];
}
