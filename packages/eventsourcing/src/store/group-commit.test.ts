import { describe, expect, it } from 'vitest';
import { GroupCommit, type GroupCommitOptions, type Pending } from './group-commit.js';

/** A group commit whose writes wait until released; records every batch. */
function harness(options: Omit<GroupCommitOptions<number, string>, 'write'> = {}) {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let fail: unknown;
  const commit = new GroupCommit<number, string>({
    ...options,
    write: async (batch: Pending<number, string>[]) => {
      batches.push(batch.map((p) => p.item));
      await new Promise<void>((r) => gates.push(r));
      if (fail !== undefined) throw fail;
      for (const p of batch) p.resolve(`ok ${p.item}`);
    },
  });
  /** Release every write in flight, then let the handover (next tick) run. */
  const release = async () => {
    for (const g of gates.splice(0)) g();
    await new Promise((r) => setImmediate(r));
  };
  return { commit, batches, release, failWith: (e: unknown) => (fail = e) };
}

describe('GroupCommit', () => {
  it("'tick': items submitted in one tick go out as one batch, those submitted while it is in flight as the next", async () => {
    const { commit, batches, release } = harness();
    const first = [1, 2, 3].map((n) => commit.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2, 3]]);
    const second = [4, 5].map((n) => commit.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2, 3]]); // one in flight at a time
    await release();
    expect(await Promise.all(first)).toEqual(['ok 1', 'ok 2', 'ok 3']);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
    await release();
    expect(await Promise.all(second)).toEqual(['ok 4', 'ok 5']);
    expect(commit.busy).toBe(false);
  });

  it("'tick': submitters woken by a batch join the next batch together", async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, void>({
      write: async (batch) => {
        batches.push(batch.map((p) => p.item));
        await new Promise((r) => setImmediate(r));
        for (const p of batch) p.resolve();
      },
    });
    await Promise.all([0, 1, 2, 3, 4].map(async (w) => {
      for (let round = 0; round < 3; round++) await commit.submit(w + 10 * round);
    }));
    expect(batches).toEqual([[0, 1, 2, 3, 4], [10, 11, 12, 13, 14], [20, 21, 22, 23, 24]]);
  });

  it("'now': the item that finds nothing in flight goes out alone, at once", async () => {
    const { commit, batches, release } = harness({ start: 'now' });
    const all = [1, 2, 3].map((n) => commit.submit(n));
    expect(batches).toEqual([[1]]);
    await release();
    expect(batches).toEqual([[1], [2, 3]]);
    await release();
    expect(await Promise.all(all)).toEqual(['ok 1', 'ok 2', 'ok 3']);
  });

  it('maxBatch caps a batch; maxBatch 1 writes each item alone, in order', async () => {
    const { commit, batches, release } = harness({ maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => commit.submit(n));
    while (batches.length < 3) await release();
    await release();
    await Promise.all(all);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    const one = harness({ maxBatch: 1 });
    const each = [1, 2, 3].map((n) => one.commit.submit(n));
    while (one.batches.length < 3) await one.release();
    await one.release();
    await Promise.all(each);
    expect(one.batches).toEqual([[1], [2], [3]]);
  });

  it('concurrency 2 with splitAt: a queue found idle goes out as two halves, both in flight', async () => {
    const { commit, batches, release } = harness({ concurrency: 2, splitAt: 4 });
    const all = Array.from({ length: 9 }, (_, n) => commit.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8]]);
    await release();
    await Promise.all(all);
    // Below splitAt, or with one in flight, no split.
    const small = [1, 2, 3].map((n) => commit.submit(n));
    await new Promise((r) => setImmediate(r));
    expect(batches.at(-1)).toEqual([1, 2, 3]);
    await release();
    await Promise.all(small);
  });

  it('a write that throws rejects its unsettled items; rejectQueued fails only the queued ones; idle waits for both', async () => {
    const { commit, batches, release, failWith } = harness();
    const boom = new Error('disk on fire');
    failWith(boom);
    const inFlight = commit.submit(1);
    const inFlightFails = expect(inFlight).rejects.toBe(boom);
    await new Promise((r) => setImmediate(r));
    const queued = commit.submit(2);
    const idle = commit.idle();
    let idleDone = false;
    void idle.then(() => (idleDone = true));
    commit.rejectQueued(new Error('refused'));
    await expect(queued).rejects.toThrow('refused');
    expect(idleDone).toBe(false);
    await release();
    await inFlightFails;
    await idle;
    expect(batches).toEqual([[1]]);
  });

  it('flush() starts the queued batch now instead of on the next tick', async () => {
    const { commit, batches, release } = harness();
    const all = [1, 2].map((n) => commit.submit(n));
    expect(batches).toEqual([]);
    commit.flush();
    expect(batches).toEqual([[1, 2]]);
    await release();
    expect(await Promise.all(all)).toEqual(['ok 1', 'ok 2']);
    expect(batches).toEqual([[1, 2]]);
  });
});
