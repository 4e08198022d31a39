import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, parseResults, renderTable, SPEC, withTable } from '../scripts/speed-table.mjs';

const root = join(import.meta.dirname, '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

function section(suite: string, date: string, machine: string, ratioLines: string[]): string {
  return [`## ${suite}`, '', `${date} · ${machine}`, '', '| name | metric | value |', '| --- | --- | --- |', '| a | b | 1 |', '', ...ratioLines, ''].join('\n');
}

describe('README "How fast" table', () => {
  it('is exactly what scripts/speed-table.mjs renders from benchmarks/RESULTS.md (run `npm run bench:table`)', () => {
    const readme = read('README.md');
    expect(readme).toContain(BEGIN);
    expect(withTable(readme, read('benchmarks/RESULTS.md'))).toBe(readme);
  });

  it('never shows the misleading headlines (inversify 6 memo, dropr constant, trivial-task-only Piscina)', () => {
    const rendered = renderTable(read('benchmarks/RESULTS.md'));
    expect(rendered).not.toMatch(/\b270\b|\b153\b|dropr/);
    const keys = SPEC.flatMap((r) => r.keys);
    for (const banned of ['ody-get/inversify-get', 'fs-durable/dropr-headline', 'ody-bare/nest-cqrs', 'ody-task/piscina']) {
      expect(keys).not.toContain(banned);
    }
  });

  it('every row names what is compared and reads at least one ratio key', () => {
    for (const row of SPEC) {
      expect(row.what.length).toBeGreaterThan(10);
      expect(row.keys.length).toBeGreaterThan(0);
    }
  });
});

describe('renderTable', () => {
  const full = section('core', '2026-12-02T10:00:00.000Z', '2 cpus, Node v20.20.2', [
    '| ratio | median | min | max | rounds |',
    '| --- | --- | --- | --- | --- |',
    '| ody-boot/nest-boot | 4.500 | 4.100 | 5.200 | 25 |',
    '| ody-get/inversify8-get | 12.000 | 11.000 | 13.000 | 15 |',
  ]);

  it('renders a full run with its median and min–max spread', () => {
    const out = renderTable(full);
    expect(out).toContain('| 4.50 (4.10–5.20) | 2026-12-02 |');
    expect(out).toContain('| 12 (11–13) | 2026-12-02 |');
  });

  it('marks a --quick run and reads the old two-column ratio tables', () => {
    const quick = section('cqrs', '2026-11-22T08:47:57.406Z', '2 cpus, Node v20.20.2, --quick', [
      '| ratio | value |',
      '| --- | --- |',
      '| ody-plugin-default/nest-cqrs | 1.600 |',
    ]);
    expect(parseResults(quick).cqrs?.ratios['ody-plugin-default/nest-cqrs']?.median).toBe(1.6);
    expect(renderTable(quick)).toContain('| 1.60 | 2026-11-22, --quick |');
  });

  it('shows "pending full run" when a key is missing or was measured before the method was fixed', () => {
    const out = renderTable(full);
    expect(out).toMatch(/\| task \| Piscina tuned [^\n]*\| pending full run \| — \|/);
    const old = section('queue', '2026-11-22T09:00:19.482Z', '2 cpus, Node v20.20.2', [
      '| ratio | value |',
      '| --- | --- |',
      '| redis-c1/bullmq-c1 | 2.180 |',
      '| redis-c100/bullmq-c100 | 3.950 |',
      '| redis-push/bullmq-push | 5.720 |',
    ]);
    expect(renderTable(old)).toMatch(/\| queue \| BullMQ [^\n]*\| pending full run \| — \|/);
    const fresh = old.replace('2026-11-22T09:00:19.482Z', '2026-12-02T09:00:00.000Z');
    expect(renderTable(fresh)).toContain('| 2.18 / 3.95 / 5.72 | 2026-12-02 |');
  });

  it('reads a spread recorded as separate "<key> min" / "<key> max" ratios', () => {
    const nats = section('queue-nats', '2026-12-02T10:00:00.000Z', '2 cpus, Node v20.20.2', [
      '| ratio | value |',
      '| --- | --- |',
      '| nats-c1/nats-raw-c1 | 0.900 |',
      '| nats-c1/nats-raw-c1 min | 0.800 |',
      '| nats-c1/nats-raw-c1 max | 1.100 |',
      '| nats-c100/nats-raw-c100 | 1.200 |',
    ]);
    expect(renderTable(nats)).toContain('| 0.90 (0.80–1.10) / 1.20 | 2026-12-02 |');
  });

  it('refuses a README without the markers', () => {
    expect(() => withTable('# no table\n', full)).toThrow(/markers/);
    expect(renderTable('').endsWith(END)).toBe(true);
  });
});
