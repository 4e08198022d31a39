import { describe, expect, it } from 'vitest';
import { PriorityQueue } from './priority-queue.js';
import { batchCapacity, RunTimes } from './stats.js';

const item = (name: string, priority: number) => ({ name, priority, cancelled: false });

describe('PriorityQueue', () => {
  it('serves higher priorities first and FIFO within one', () => {
    const q = new PriorityQueue<ReturnType<typeof item>>();
    for (const [n, p] of [['a', 0], ['b', 5], ['c', 0], ['d', 5], ['e', -1]] as const) q.push(item(n, p));
    expect(q.size).toBe(5);
    const out: string[] = [];
    for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x.name);
    expect(out).toEqual(['b', 'd', 'a', 'c', 'e']);
    expect(q.size).toBe(0);
  });

  it('skips cancelled items, puts re-queued items first, and drains live ones', () => {
    const q = new PriorityQueue<ReturnType<typeof item>>();
    const a = item('a', 0);
    const b = item('b', 0);
    q.push(a);
    q.push(b);
    q.cancel(a);
    q.cancel(a);
    expect(q.size).toBe(1);
    q.pushFront(item('first', 0));
    expect(q.shift()?.name).toBe('first');
    expect(q.drain().map((x) => x.name)).toEqual(['b']);
    expect(q.size).toBe(0);
  });

  it('keeps order across compaction of a long FIFO', () => {
    const q = new PriorityQueue<ReturnType<typeof item>>();
    for (let i = 0; i < 5_000; i++) q.push(item(String(i), 0));
    for (let i = 0; i < 5_000; i++) expect(q.shift()?.name).toBe(String(i));
  });
});

describe('RunTimes', () => {
  it('computes mean and p99 over recent samples', () => {
    const t = new RunTimes();
    for (let i = 1; i <= 100; i++) t.record(i);
    expect(t.meanMs).toBe(50.5);
    expect(t.p99Ms).toBe(99);
  });

  it('batches many trivial tasks and one slow task per thread', () => {
    expect(batchCapacity(0.001, 64)).toBe(64);
    expect(batchCapacity(20, 64)).toBe(1);
  });
});
