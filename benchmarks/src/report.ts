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

/** The suite's result as a markdown table (rows, then ratios). */
export function markdownOf(file: ResultFile): string {
  const lines = ['| name | metric | value |', '| --- | --- | --- |'];
  for (const r of file.rows) lines.push(`| ${r.name} | ${r.metric} | ${fmt(r.value)} |`);
  if (Object.keys(file.ratios).length > 0) {
    lines.push('', '| ratio | value |', '| --- | --- |');
    for (const [k, v] of Object.entries(file.ratios)) lines.push(`| ${k} | ${v.toFixed(3)} |`);
  }
  for (const n of file.notes ?? []) lines.push('', `_${n}_`);
  return lines.join('\n');
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Replace this suite's section of RESULTS.md (sections are `## <suite>`), keeping the others. */
function updateResultsMd(file: ResultFile, table: string): void {
  const path = join(benchRoot, 'RESULTS.md');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Benchmark results\n\nLatest run of each suite. Quote the ratios: peers ran in the same invocation.\n';
  }
  const machine = `${file.cpus} cpus, Node ${file.node}${file.quick ? ', --quick' : ''}`;
  const section = `## ${file.suite}\n\n${file.date} · ${machine}\n\n${table}\n`;
  const re = new RegExp(`## ${file.suite}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`;
  writeAtomic(path, `${text.trimEnd()}\n`);
}

/** Write results/<suite>.json and RESULTS.md; returns the file and its table. */
export function report(suite: string, quick: boolean, result: SuiteResult): { file: ResultFile; table: string } {
  const file: ResultFile = {
    suite,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    quick,
    rows: result.rows,
    ratios: result.ratios,
    ...(result.notes ? { notes: result.notes } : {}),
  };
  const dir = join(benchRoot, 'results');
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, `${suite}.json`), `${JSON.stringify(file, null, 2)}\n`);
  const table = markdownOf(file);
  updateResultsMd(file, table);
  return { file, table };
}
