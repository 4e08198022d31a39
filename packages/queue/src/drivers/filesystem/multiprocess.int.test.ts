import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Queue } from '../../runtime/queue.js';
import { until } from '../../testing/harness.js';
import { filesystemDriver } from './driver.js';

const root = mkdtempSync(join(tmpdir(), 'ody-queue-mp-'));
const fixtures = join(import.meta.dirname, 'fixtures');
const children = new Set<ChildProcess>();

function spawnChild(script: string, args: string[]): ChildProcess {
  const child = fork(join(fixtures, script), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('message', () => resolve()));
}

function lines(logs: string[]): string[][] {
  return logs.flatMap((f) => {
    try {
      return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
    } catch {
      return [];
    }
  });
}

afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all([...children].map(exited));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('filesystem driver across processes', () => {
  it('4 producers and 4 consumers move 20,000 durable jobs: every one processed once, none lost', async () => {
    const name = 'mp-20k';
    const logs = [0, 1, 2, 3].map((i) => join(root, `c20k-${i}.log`));
    const consumers = logs.map((log) => spawnChild('consumer.ts', [root, name, log, '0', '0', '30000']));
    await Promise.all(consumers.map(ready));
    const producers = [0, 1, 2, 3].map((i) => spawnChild('producer.ts', [root, name, String(i * 5000), '5000']));
    expect(await Promise.all(producers.map(exited))).toEqual([0, 0, 0, 0]);
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue(name, { driver });
    await until('20k completed', async () => (await queue.counts()).completed === 20_000, 90_000, 200);
    for (const c of consumers) c.kill('SIGTERM');
    await Promise.all(consumers.map(exited));
    const done = lines(logs).filter((l) => l[0] === 'done').map((l) => Number(l[1]));
    expect(done.length).toBe(20_000);
    expect(new Set(done).size).toBe(20_000);
    expect(Math.min(...done)).toBe(0);
    expect(Math.max(...done)).toBe(19_999);
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 20_000, failed: 0 });
    await driver.close();
  }, 120_000);

  it('SIGKILL of consumers mid-job in several rounds: every job completes and attempt/stall counts are exact', async () => {
    const name = 'mp-kill';
    const total = 400;
    const producer = spawnChild('producer.ts', [root, name, '0', String(total), JSON.stringify({ attempts: 3 })]);
    expect(await exited(producer)).toBe(0);
    const logs: string[] = [];
    const logOf = new Map<ChildProcess, string>();
    const start = () => {
      const log = join(root, `kill-${logs.length}.log`);
      logs.push(log);
      const child = spawnChild('consumer.ts', [root, name, log, '300', '7', '300', '4']);
      logOf.set(child, log);
      return child;
    };
    let live = [start(), start(), start()];
    await Promise.all(live.map(ready));
    const driver = filesystemDriver({ dir: root });
    const queue = new Queue(name, { driver });
    for (let round = 0; round < 4; round++) {
      // Kill a consumer while it is mid-job (a start line without its done line in its own log).
      const victim = live[round % live.length]!;
      const victimLog = logOf.get(victim)!;
      await until(`round ${round}: victim mid-job`, () => {
        const own = lines([victimLog]);
        const done = new Set(own.filter((l) => l[0] === 'done').map((l) => `${l[1]} ${l[2]} ${l[3]}`));
        return own.some((l) => l[0] === 'start' && !done.has(`${l[1]} ${l[2]} ${l[3]}`));
      }, 30_000, 20);
      victim.kill('SIGKILL');
      await exited(victim);
      const replacement = start();
      await ready(replacement);
      live = live.map((c) => (c === victim ? replacement : c));
    }
    await until('all completed', async () => (await queue.counts()).completed === total, 60_000, 50);
    for (const c of live) c.kill('SIGTERM');
    await Promise.all(live.map(exited));
    const all = lines(logs);
    const stalledAtLeastOnce = new Set<number>();
    for (let n = 0; n < total; n++) {
      const starts = all.filter((l) => l[0] === 'start' && Number(l[1]) === n);
      const dones = all.filter((l) => l[0] === 'done' && Number(l[1]) === n);
      expect(dones.length, `job ${n} done lines`).toBeGreaterThanOrEqual(1);
      // Log files are read one after another, not in time order: a consumer whose lease ran out while it
      // was still working logs its done line (stalls 0) beside the redelivery's (stalls 1), in any order.
      // The latest delivery is the one with the most attempts, then the most stalls.
      const last = dones.reduce((a, b) => (Number(b[2]) * 1e6 + Number(b[3]) > Number(a[2]) * 1e6 + Number(a[3]) ? b : a));
      const expectedAttempt = n % 7 === 0 ? 2 : 1;
      expect(Number(last[2]), `job ${n} attempt`).toBe(expectedAttempt);
      // Each delivery either followed a failed attempt (attempt + 1) or a lost lease (stalls + 1). A lease
      // can also be lost by a consumer killed after its claim and before the handler started (a stall
      // with no start line), so handler runs are bounded by attempts + stalls, and never fewer than attempts.
      expect(starts.length, `job ${n} deliveries`).toBeGreaterThanOrEqual(expectedAttempt);
      expect(starts.length, `job ${n} deliveries`).toBeLessThanOrEqual(expectedAttempt + Number(last[3]));
      if (Number(last[3]) > 0) stalledAtLeastOnce.add(n);
    }
    expect(stalledAtLeastOnce.size).toBeGreaterThan(0);
    expect(await queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: total, failed: 0 });
    await driver.close();
  }, 120_000);
});
