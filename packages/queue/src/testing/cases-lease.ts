import type { TestApi } from './api.js';
import type { Harness } from './harness.js';
import { gate, sleep, until } from './harness.js';

/** Leases, stalled redelivery, maxStalls, lease renewal and graceful shutdown. */
export function leaseCases(h: () => Harness, { it, expect }: TestApi): void {
  it('redelivers a job whose holder died (lease expired), keeping its attempt count and counting the stall', async () => {
    const queue = await h().queue();
    await queue.push('j', 'x', { attempts: 3 });
    // A "dead worker": claims through the driver and never answers.
    const [claimed] = await queue.driver.claim(queue.name, { max: 1, leaseMs: 100, waitMs: 0 });
    expect(claimed).toMatchObject({ attemptsMade: 0, stalls: 0 });
    expect((await queue.counts()).active).toBe(1);
    const seen = new Promise<unknown>((resolve) => {
      h().worker(queue, (job) => resolve({ attempt: job.attempt, stalls: job.stalls }), { leaseMs: 1000, recoverIntervalMs: 50 });
    });
    expect(await seen).toEqual({ attempt: 1, stalls: 1 });
    // The dead worker's late answer is refused: its lease is gone.
    expect(await queue.driver.complete(queue.name, claimed!)).toBe(false);
    await until('completed once', async () => (await queue.counts()).completed === 1);
  });

  it('fails a job with reason stalled after maxStalls redeliveries', async () => {
    const queue = await h().queue();
    const { id } = await queue.push('j', 'x');
    await queue.driver.claim(queue.name, { max: 1, leaseMs: 50, waitMs: 0 });
    await sleep(80);
    expect(await queue.driver.recover(queue.name, 1)).toEqual({ stalled: [id], failed: [] });
    await queue.driver.claim(queue.name, { max: 1, leaseMs: 50, waitMs: 0 });
    await sleep(80);
    expect(await queue.driver.recover(queue.name, 1)).toEqual({ stalled: [], failed: [id] });
    const record = await queue.failed.get(id);
    expect(record).toMatchObject({ reason: 'stalled', stalls: 2 });
    expect(record!.errors.at(-1)?.code).toBe('ODY_QUEUE_JOB_STALLED');
    expect(await queue.counts()).toMatchObject({ active: 0, waiting: 0, failed: 1 });
  });

  it('renews the lease of a long job so it is not redelivered while it runs', async () => {
    const queue = await h().queue();
    let runs = 0;
    h().worker(queue, async () => {
      runs++;
      await sleep(700);
    }, { leaseMs: 200, recoverIntervalMs: 50 });
    // A second worker that would steal the job if the lease lapsed.
    h().worker(queue, () => {
      runs++;
    }, { leaseMs: 200, recoverIntervalMs: 50 });
    await queue.push('j', 1);
    await until('completed', async () => (await queue.counts()).completed === 1);
    expect(runs).toBe(1);
  });

  it('extend refuses a lease that was lost and the holder sees its signal abort', async () => {
    const queue = await h().queue();
    await queue.push('j', 1);
    const [claimed] = await queue.driver.claim(queue.name, { max: 1, leaseMs: 50, waitMs: 0 });
    expect(await queue.driver.extend(queue.name, [claimed!], 50)).toEqual([true]);
    await sleep(80);
    await queue.driver.recover(queue.name, 5);
    expect(await queue.driver.extend(queue.name, [claimed!], 50)).toEqual([false]);
    expect(await queue.driver.retry(queue.name, claimed!, Date.now(), { attempt: 1, name: 'E', message: 'm', at: Date.now() })).toBe(false);
    expect(await queue.driver.fail(queue.name, claimed!, 'error', { attempt: 1, name: 'E', message: 'm', at: Date.now() })).toBe(false);
    expect((await queue.counts()).waiting).toBe(1);
  });

  it('close() stops fetching and lets running jobs finish', async () => {
    const queue = await h().queue();
    const started = gate();
    let finished = 0;
    const w = h().worker(queue, async () => {
      started.open();
      await sleep(200);
      finished++;
    });
    await queue.push('j', 1);
    await queue.push('j', 2);
    await started.promise;
    await w.close({ timeoutMs: 5_000 });
    expect(finished).toBe(1);
    expect(await queue.counts()).toMatchObject({ completed: 1, waiting: 1, active: 0 });
  });

  it('close() with a timeout leaves unfinished jobs for redelivery; nothing is lost', async () => {
    const queue = await h().queue();
    const started = gate();
    let aborted = false;
    const w = h().worker(queue, async (_job, { signal }) => {
      started.open();
      signal.addEventListener('abort', () => {
        aborted = true;
      });
      await new Promise(() => {}); // never finishes
    }, { leaseMs: 150 });
    const { id } = await queue.push('j', 1);
    await started.promise;
    await w.close({ timeoutMs: 50 });
    expect(aborted).toBe(true);
    const again = new Promise<unknown>((resolve) => {
      h().worker(queue, (job) => resolve({ id: job.id, stalls: job.stalls }), { leaseMs: 1000, recoverIntervalMs: 50, maxStalls: 3 });
    });
    expect(await again).toEqual({ id, stalls: 1 });
  });
}
