import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alternate, median, ratioOf, roundsFor } from '../benchmarks/src/measure.js';
import { canPin, pinned } from '../benchmarks/src/pin.js';
import { markdownOf, updateResultsMd } from '../benchmarks/src/report.js';
import type { ResultFile } from '../benchmarks/src/types.js';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'ody-bench-harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (quick: boolean): ResultFile => ({
  suite: 'demo',
  date: '2026-12-02T10:00:00.000Z',
  node: 'v20.20.2',
  cpus: 2,
  quick,
  rows: [{ name: 'ody', metric: 'ops/s', value: 10 }],
  ratios: { 'ody/peer': 2 },
  spreads: { 'ody/peer': { min: 1.5, max: 2.5, n: 5 } },
});

describe('bench harness', () => {
  it('refuses to write a --quick result to RESULTS.md and leaves the file untouched', () => {
    const path = join(dir, 'RESULTS.md');
    writeFileSync(path, '# Benchmark results\n');
    expect(() => updateResultsMd(file(true), markdownOf(file(true)), path)).toThrow(/--quick/);
    expect(readFileSync(path, 'utf8')).toBe('# Benchmark results\n');
    updateResultsMd(file(false), markdownOf(file(false)), path);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('## demo');
    expect(text).toContain('| ody/peer | 2.000 | 1.500 | 2.500 | 5 |');
    expect(text).not.toContain('--quick');
  });

  it('full mode runs at least 5 rounds, alternating the order of peers', async () => {
    expect(roundsFor(false, { quick: 2, full: 3 })).toBe(5);
    expect(roundsFor(true, { quick: 2, full: 3 })).toBe(2);
    const order: string[] = [];
    await alternate(3, { a: () => order.push('a'), b: () => order.push('b') });
    expect(order.join('')).toBe('abbaab');
  });

  it('ratios pair samples by round and report median, min and max', () => {
    expect(ratioOf([2, 4, 9], [1, 1, 3])).toEqual({ median: 3, min: 2, max: 4, n: 3 });
    expect(ratioOf([2, 1], [4, 4], false)).toEqual({ median: 3, min: 2, max: 4, n: 2 });
    expect(median([5, 1, 3, 100])).toBe(4);
    expect(median([7])).toBe(7);
    expect(() => ratioOf([1], [1, 2])).toThrow(/samples/);
  });

  it('pins a child to one core with taskset when it is installed', () => {
    if (!canPin()) {
      console.log('skip: taskset not installed or fewer than 2 cores');
      return;
    }
    const [cmd, args] = pinned('0', 'sh', ['-c', 'taskset -p $$']);
    expect(cmd).toBe('taskset');
    const out = spawnSync(cmd, args, { encoding: 'utf8' });
    expect(out.stdout).toMatch(/affinity mask: 1\s*$/);
  });

  it('runs unpinned with a printed note when taskset is missing', () => {
    const empty = mkdtempSync(join(dir, 'path-'));
    const script = `import { pinned } from ${JSON.stringify(join(root, 'benchmarks/src/pin.ts'))}; console.log(JSON.stringify(pinned('0', 'node', ['x'])));`;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: empty },
    });
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('taskset is not installed');
    expect(out.stdout.trim().split('\n').at(-1)).toBe('["node",["x"]]');
  });
});
