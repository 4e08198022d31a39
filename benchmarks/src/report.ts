import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ResultFile, SuiteResult } from './types.js';

const benchRoot = join(import.meta.dirname, '..');

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 3);
}

/** The suite's result as a markdown table (rows, then ratios with their median and min–max spread). */
export function markdownOf(file: ResultFile): string {
  const lines = ['| name | metric | value |', '| --- | --- | --- |'];
  for (const r of file.rows) lines.push(`| ${r.name} | ${r.metric} | ${fmt(r.value)} |`);
  if (Object.keys(file.ratios).length > 0) {
    lines.push('', '| ratio | median | min | max | rounds |', '| --- | --- | --- | --- | --- |');
    for (const [k, v] of Object.entries(file.ratios)) {
      const s = file.spreads?.[k];
      const spread = s ? `${s.min.toFixed(3)} | ${s.max.toFixed(3)} | ${s.n}` : '— | — | —';
      lines.push(`| ${k} | ${v.toFixed(3)} | ${spread} |`);
    }
  }
  for (const n of file.notes ?? []) lines.push('', `_${n}_`);
  return lines.join('\n');
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Replace this suite's section of RESULTS.md (sections are `## <suite>`), keeping the others. Refuses a
 * `--quick` result: RESULTS.md holds full runs only.
 */
export function updateResultsMd(file: ResultFile, table: string, path = join(benchRoot, 'RESULTS.md')): void {
  if (file.quick) throw new Error(`refusing to write a --quick ${file.suite} result to RESULTS.md (full runs only)`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Benchmark results\n\nLatest full run of each suite. Quote the ratios: peers ran in the same invocation.\n';
  }
  const machine = `${file.cpus} cpus, Node ${file.node}`;
  const section = `## ${file.suite}\n\n${file.date} · ${machine}\n\n${table}\n`;
  const re = new RegExp(`## ${file.suite}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`;
  writeAtomic(path, `${text.trimEnd()}\n`);
}

/**
 * Write the result: a full run goes to results/<suite>.json and RESULTS.md; a `--quick` run only to
 * results/quick/<suite>.json (git-ignored). Returns the file, its table and where it went.
 */
export function report(suite: string, quick: boolean, result: SuiteResult): { file: ResultFile; table: string; wrote: string[] } {
  const file: ResultFile = {
    suite,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    quick,
    rows: result.rows,
    ratios: result.ratios,
    ...(result.spreads ? { spreads: result.spreads } : {}),
    ...(result.notes ? { notes: result.notes } : {}),
  };
  const dir = join(benchRoot, 'results', ...(quick ? ['quick'] : []));
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, `${suite}.json`), `${JSON.stringify(file, null, 2)}\n`);
  const table = markdownOf(file);
  const wrote = [`benchmarks/results/${quick ? 'quick/' : ''}${suite}.json`];
  if (!quick) {
    updateResultsMd(file, table);
    wrote.push('benchmarks/RESULTS.md');
  }
  return { file, table, wrote };
}
