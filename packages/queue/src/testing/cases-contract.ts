import { OdyError } from '@ody/core';
import type { JobError, NewJob } from '../contract/job.js';
import type { TestApi } from './api.js';
import type { Harness } from './harness.js';

/** What a call returned: the error it rejected with, or a note when it resolved or threw synchronously. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  let pending: Promise<unknown>;
  try {
    pending = call();
  } catch (err) {
    return { threwSynchronously: err };
  }
  return pending.then(
    (value) => ({ resolved: value }),
    (err: unknown) => err,
  );
}

/** Contract errors: every driver raises the same @ody/queue code for the same situation. */
export function contractCases(h: () => Harness, { it, expect }: TestApi): void {
  it('after close() every call rejects with ODY_QUEUE_CLOSED (the one code whatever the driver); close() is idempotent', async () => {
    const queue = await h().queue();
    const driver = queue.driver;
    const name = queue.name;
    await queue.push('j', 1);
    const [claimed] = await driver.claim(name, { max: 1, leaseMs: 30_000, waitMs: 0 });
    expect(claimed).toBeDefined();
    await driver.close();
    await driver.close();
    const job: NewJob = { ...claimed!, id: `${claimed!.id}-again`, dedupe: false, data: claimed!.data ?? '1' };
    const error: JobError = { attempt: 1, name: 'Error', message: 'm', at: Date.now() };
    const calls: Record<string, () => Promise<unknown>> = {
      push: () => driver.push(name, [job]),
      claim: () => driver.claim(name, { max: 1, leaseMs: 1000, waitMs: 0 }),
      extend: () => driver.extend(name, [claimed!], 1000),
      complete: () => driver.complete(name, claimed!),
      retry: () => driver.retry(name, claimed!, Date.now(), error),
      fail: () => driver.fail(name, claimed!, 'error', error),
      recover: () => driver.recover(name, 1),
      pause: () => driver.pause(name),
      resume: () => driver.resume(name),
      isPaused: () => driver.isPaused(name),
      counts: () => driver.counts(name),
      listFailed: () => driver.listFailed(name),
      getFailed: () => driver.getFailed(name, claimed!.id),
      retryFailed: () => driver.retryFailed(name),
      purgeFailed: () => driver.purgeFailed(name),
      'Queue.push': () => queue.push('j', 2),
      'Queue.counts': () => queue.counts(),
    };
    const codes: Record<string, unknown> = {};
    for (const [what, call] of Object.entries(calls)) {
      const got = await outcome(call);
      codes[what] = OdyError.is(got) ? got.code : got;
    }
    expect(codes).toEqual(Object.fromEntries(Object.keys(calls).map((what) => [what, 'ODY_QUEUE_CLOSED'])));
  });
}
