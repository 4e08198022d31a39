import { randomBytes } from 'node:crypto';
import type { QueueDriver } from '../contract/driver.js';
import type { ClaimedJob, JobError, NewJob } from '../contract/job.js';
import type { TestApi } from './api.js';
import type { Harness } from './harness.js';
import { until } from './harness.js';

/** Options of the observability cases (see queueConformance). */
export interface ObserveOptions {
  /** The driver implements oldestWaitingAt (default true); false leaves that case out. */
  oldestWaitingAt?: boolean;
  /** How coarse the driver's oldestWaitingAt times are, in ms (a broker keeping seconds: 1000). Default 0. */
  oldestWaitingResolutionMs?: number;
}

function newJob(name: string, o: { runAt?: number; priority?: number; meta?: Record<string, string> } = {}): NewJob {
  const now = Date.now();
  const job: NewJob = {
    id: `obs-${randomBytes(6).toString('hex')}`, dedupe: false, name, data: JSON.stringify(name), priority: o.priority ?? 0,
    runAt: o.runAt ?? now, attempts: 5, backoff: { type: 'fixed', delay: 0 }, timeout: 0, createdAt: now,
  };
  if (o.meta !== undefined) job.meta = o.meta;
  return job;
}

/** Claim exactly one job (waiting for it up to 10 s). */
async function claimOne(driver: QueueDriver, queue: string): Promise<ClaimedJob> {
  let job: ClaimedJob | undefined;
  await until('a job to claim', async () => {
    [job] = await driver.claim(queue, { max: 1, leaseMs: 30_000, waitMs: 500 });
    return job !== undefined;
  });
  return job!;
}

function failure(attempt: number): JobError {
  return { attempt, name: 'Error', message: `attempt ${attempt} failed`, at: Date.now() };
}

/** What metrics and tracing read from a driver: the meta a retry keeps, and when the oldest waiting job became due. */
export function observeCases(h: () => Harness, { it, expect }: TestApi, options: ObserveOptions = {}): void {
  it('a retry keeps the claimed job\'s meta: the next claim of the job sees what was set before retry', async () => {
    const driver = await h().driver();
    const queue = h().queueName;
    const pushed = newJob('m', { meta: { traceparent: 'pushed' } });
    await driver.push(queue, [pushed]);
    const first = await claimOne(driver, queue);
    expect(first.meta).toEqual({ traceparent: 'pushed' });
    // Instrumentation adds to the claimed job's meta in place (e.g. the first attempt's span context).
    first.meta!['ody-first-attempt'] = 'attempt-1';
    expect(await driver.retry(queue, first, Date.now(), failure(1))).toBe(true);
    const second = await claimOne(driver, queue);
    expect(second.id).toBe(pushed.id);
    expect(second.attemptsMade).toBe(1);
    expect(second.meta).toEqual({ traceparent: 'pushed', 'ody-first-attempt': 'attempt-1' });
    // Again, through a backoff (a delayed retry): the latest meta wins, the payload is untouched.
    second.meta = { ...second.meta, later: 'attempt-2' };
    expect(await driver.retry(queue, second, Date.now() + 100, failure(2))).toBe(true);
    const third = await claimOne(driver, queue);
    expect(third.id).toBe(pushed.id);
    expect(third.attemptsMade).toBe(2);
    expect(third.meta).toEqual({ traceparent: 'pushed', 'ody-first-attempt': 'attempt-1', later: 'attempt-2' });
    expect(third.data).toBe(pushed.data);
    expect(await driver.complete(queue, third)).toBe(true);
  });

  if (options.oldestWaitingAt === false) return;
  it('oldestWaitingAt: when the oldest waiting job became due (a delayed one: its due time once promoted); undefined when none waits', async () => {
    const driver = await h().driver();
    const queue = h().queueName;
    expect(driver.oldestWaitingAt, 'the driver implements oldestWaitingAt').toBeTypeOf('function');
    const oldest = (): Promise<number | undefined> => driver.oldestWaitingAt!(queue);
    const tolerance = (options.oldestWaitingResolutionMs ?? 0) + 150;
    // Drivers that read a broker's statistics may answer a moment late: poll until the answer is the expected one.
    const settles = async (what: string, ok: (at: number | undefined) => boolean): Promise<void> => {
      let last: number | undefined;
      try {
        await until(what, async () => {
          last = await oldest();
          return ok(last);
        }, 15_000, 20);
      } catch (err) {
        throw new Error(`${(err as Error).message} (last answer: ${last === undefined ? 'undefined' : `${Date.now() - last} ms ago`})`);
      }
    };
    const near = (expected: number) => (at: number | undefined) => at !== undefined && Math.abs(at - expected) <= tolerance;
    await settles('undefined on an empty queue', (at) => at === undefined);

    const a = newJob('a');
    await driver.push(queue, [a]);
    await settles('the ready job A', near(a.runAt));

    // D is due later than A by more than twice the tolerance; H (higher priority) lets a claim promote D.
    const d = newJob('d', { runAt: Date.now() + 2 * tolerance + 300 });
    await driver.push(queue, [d]);
    await until('D is due', () => Date.now() > d.runAt, 15_000);
    await driver.push(queue, [newJob('h', { priority: 5 })]);
    expect((await claimOne(driver, queue)).name).toBe('h');
    // A and D wait now: A is the oldest.
    await settles('A, older than the promoted D', near(a.runAt));
    expect((await claimOne(driver, queue)).name).toBe('a');
    await settles('D, at its due time', near(d.runAt));
    expect((await claimOne(driver, queue)).name).toBe('d');
    await settles('undefined once every job is claimed', (at) => at === undefined);
  });
}
