/**
 * The test functions the suite registers with, the same type as @ody/queue/testing's. Pass vitest's module
 * (`import * as vitest from 'vitest'`): the suite never imports vitest itself, so
 * `@ody/eventsourcing/testing` loads outside a test runner too.
 */
export type { TestApi } from '@ody/queue/testing';

/** Poll `check` until it returns true (bounded by `timeoutMs`); throws with `what` on timeout. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
