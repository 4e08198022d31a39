import { QueueError, UnrecoverableError } from '../errors.js';
import { Queue } from '../runtime/queue.js';
import type { TestApi } from './api.js';
import type { Harness } from './harness.js';
import { gate, until } from './harness.js';

/** Retries, backoff, unrecoverable errors, timeouts, payload limits and the failed store. */
export function failureCases(h: () => Harness, { it, expect }: TestApi): void {
  it('retries a throwing job until `attempts`, then stores it failed with every attempt error', async () => {
    const queue = await h().queue();
    const attempts: number[] = [];
    const retrying: number[] = [];
    const failed = new Promise<unknown>((resolve) => {
      const w = h().worker(queue, (_job, { attempt }) => {
        attempts.push(attempt);
        throw new Error(`boom ${attempt}`);
      });
      w.on('retrying', (_job, err) => retrying.push(err.attempt));
      w.on('failed', (_job, err, reason) => resolve({ message: err.message, reason }));
    });
    const { id } = await queue.push('flaky', { x: 1 }, { attempts: 3, backoff: 10 });
    expect(await failed).toEqual({ message: 'boom 3', reason: 'error' });
    expect(attempts).toEqual([1, 2, 3]);
    expect(retrying).toEqual([1, 2]);
    const record = await queue.failed.get(id);
    expect(record).toMatchObject({ id, name: 'flaky', reason: 'error', attemptsMade: 3, payload: { x: 1 } });
    expect(record!.errors.map((e) => [e.attempt, e.message])).toEqual([[1, 'boom 1'], [2, 'boom 2'], [3, 'boom 3']]);
    expect(await queue.counts()).toMatchObject({ failed: 1, waiting: 0, delayed: 0, active: 0, completed: 0 });
  });

  it('succeeds on a later attempt and waits the backoff between attempts', async () => {
    const queue = await h().queue();
    const times: number[] = [];
    h().worker(queue, (_job, { attempt }) => {
      times.push(Date.now());
      if (attempt < 2) throw new Error('not yet');
      return 'ok';
    });
    await queue.push('j', 1, { attempts: 5, backoff: { type: 'exponential', delayMs: 200, jitter: 0 } });
    await until('completed', async () => (await queue.counts()).completed === 1);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(190);
  });

  it('uses a custom backoff strategy registered on the worker', async () => {
    const queue = await h().queue();
    const calls: number[] = [];
    h().worker(queue, (_job, { attempt }) => {
      if (attempt < 3) throw new Error('again');
    }, { backoffStrategies: { linear: (made) => { calls.push(made); return made * 10; } } });
    await queue.push('j', 1, { attempts: 3, backoff: { type: 'custom', name: 'linear' } });
    await until('completed', async () => (await queue.counts()).completed === 1);
    expect(calls).toEqual([1, 2]);
  });

  it('fails at once on UnrecoverableError, without retries', async () => {
    const queue = await h().queue();
    let runs = 0;
    const reason = new Promise<unknown>((resolve) => {
      h().worker(queue, () => {
        runs++;
        throw new UnrecoverableError('no such user');
      }).on('failed', (_j, _e, r) => resolve(r));
    });
    const { id } = await queue.push('j', 1, { attempts: 5 });
    expect(await reason).toBe('unrecoverable');
    expect(runs).toBe(1);
    expect(await queue.failed.get(id)).toMatchObject({ reason: 'unrecoverable', attemptsMade: 1 });
  });

  it('aborts the signal on timeout, counts the attempt failed and frees the slot for the next job', async () => {
    const queue = await h().queue();
    let aborted: unknown;
    const never = gate();
    const order: string[] = [];
    h().worker<string>(queue, async (job, { signal }) => {
      order.push(job.data);
      if (job.data === 'hang') {
        signal.addEventListener('abort', () => {
          aborted = signal.reason;
        });
        await never.promise; // ignores the signal on purpose
      }
    }, { concurrency: 1 });
    const { id } = await queue.push('j', 'hang', { timeoutMs: 150 });
    await queue.push('j', 'next');
    await until('next job ran while the first still hangs', () => order.includes('next'));
    expect(QueueError.is(aborted, 'ODY_QUEUE_JOB_TIMEOUT')).toBe(true);
    await until('timed-out job failed', async () => (await queue.failed.get(id)) !== undefined);
    expect(await queue.failed.get(id)).toMatchObject({ reason: 'timeout', attemptsMade: 1 });
    never.open();
  });

  it('rejects a payload over maxPayloadBytes and one the codec cannot encode, with typed errors', async () => {
    const queue = await h().queue({ maxPayloadBytes: 100 });
    await expect(queue.push('j', 'x'.repeat(200))).rejects.toMatchObject({ code: 'ODY_QUEUE_PAYLOAD_TOO_LARGE' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(queue.push('j', circular)).rejects.toMatchObject({ code: 'ODY_QUEUE_PAYLOAD_INVALID' });
    await expect(queue.push('j', 1, { attempts: 0 })).rejects.toMatchObject({ code: 'ODY_QUEUE_OPTIONS_INVALID' });
    await expect(queue.push('j', 1, { priority: 1.5 })).rejects.toMatchObject({ code: 'ODY_QUEUE_OPTIONS_INVALID' });
    expect((await queue.counts()).waiting).toBe(0);
  });

  it('sends an undecodable payload to the failed store with a clear reason and keeps the worker alive', async () => {
    const driver = await h().driver();
    const producer = new Queue(h().queueName, { driver, codec: { name: 'raw', encode: () => '{not json', decode: (d) => d } });
    const consumer = await h().queue({ driver });
    const { id } = await producer.push('j', 'whatever');
    await consumer.push('j', 'fine');
    const ok: unknown[] = [];
    h().worker(consumer, (job) => {
      ok.push(job.data);
    });
    await until('bad job failed and good job ran', async () => ok.length === 1 && (await consumer.failed.get(id)) !== undefined);
    const record = await consumer.failed.get(id);
    expect(record).toMatchObject({ reason: 'undecodable', payload: undefined });
    expect(record!.errors.at(-1)).toMatchObject({ code: 'ODY_QUEUE_PAYLOAD_UNDECODABLE' });
    expect(ok).toEqual(['fine']);
  });

  it('lists, inspects, retries and purges the failed store', async () => {
    const queue = await h().queue();
    let healthy = false;
    const w = h().worker<number>(queue, () => {
      if (!healthy) throw new Error('down');
    });
    const ids = (await queue.pushBulk([1, 2, 3].map((n) => ({ name: 'j', payload: n })))).map((r) => r.id);
    await until('3 failed', async () => (await queue.counts()).failed === 3);
    const list = await queue.failed.list();
    expect(list.map((j) => j.payload).sort()).toEqual([1, 2, 3]);
    expect((await queue.failed.list({ offset: 1, limit: 1 })).length).toBe(1);
    expect((await queue.failed.get(ids[0]!))?.errors[0]?.message).toBe('down');
    expect(await queue.failed.get('nope')).toBeUndefined();
    healthy = true;
    expect(await queue.failed.retry([ids[0]!])).toBe(1);
    await until('retried job completed', async () => (await queue.counts()).completed === 1);
    expect(await queue.failed.purge([ids[1]!])).toBe(1);
    expect((await queue.failed.list()).map((j) => j.id)).toEqual([ids[2]]);
    expect(await queue.failed.purge()).toBe(1);
    expect(await queue.counts()).toMatchObject({ failed: 0, completed: 1 });
    await w.close();
  });
}
