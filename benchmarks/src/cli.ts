import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { report } from './report.js';
import type { Suite } from './types.js';

const suitesDir = join(import.meta.dirname, 'suites');
const available = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
const name = positionals[0];
if (values.help || name === undefined) {
  console.log(`usage: npm run bench -- <suite> [--quick]\nsuites: ${available.join(', ')}`);
  process.exit(name === undefined && !values.help ? 2 : 0);
}
const file = join(suitesDir, `${name}.ts`);
if (!existsSync(file)) {
  console.error(`unknown suite '${name}'; suites: ${available.join(', ')}`);
  process.exit(2);
}
const suite = (await import(pathToFileURL(file).href)).default as Suite;
const started = Date.now();
const result = await suite.run({ quick: values.quick });
const unspread = Object.keys(result.ratios).filter((k) => result.spreads?.[k] === undefined);
if (unspread.length > 0) console.log(`note: no per-round spread for ${unspread.join(', ')} (not paired alternating rounds)`);
const { table, wrote } = report(suite.name, values.quick, result);
console.log(`\n### ${suite.name}${values.quick ? ' (quick)' : ''} — ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
console.log(table);
console.log(`\nwrote ${wrote.join(' and ')}`);
if (values.quick) console.log('--quick: RESULTS.md left alone (it holds full runs only)');
process.exit(0);
