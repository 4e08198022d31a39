import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractSnippets, type Snippet } from '../scripts/readme-snippets.mjs';

// Every ```ts block of README.md and packages/*/README.md is typechecked as a user's file would be:
// in a folder outside the repo (its node_modules points at the repo's, so @ody/* resolve to the built
// dist and .d.ts through their exports maps) with the minimal tsconfig the READMEs give. Blocks marked
// `<!-- snippet: run -->` are complete programs and also run. Markers: scripts/readme-snippets.mjs.
// Needs `npm run build` first (npm test does it). Run alone: npx vitest run --project repo readme

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

/** The minimal tsconfig of README.md's first app and packages/core/README.md. */
const userTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    experimentalDecorators: true,
    skipLibCheck: true,
    types: ['node'],
    outDir: 'out',
  },
};

const readmes = [
  'README.md',
  ...readdirSync(join(root, 'packages'))
    .map((dir) => `packages/${dir}/README.md`)
    .filter((file) => existsSync(join(root, file))),
];
const snippets: Snippet[] = readmes.flatMap((file) => extractSnippets(readFileSync(join(root, file), 'utf8'), file));
const checked = snippets.filter((s) => !s.fragment);
const fileOf = (s: Snippet) => `${s.file.replace(/\/README\.md$|README\.md$/, '').replace(/[/.]/g, '-') || 'root'}-L${s.line}.ts`;

let work = '';
const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ody-snippets-'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'snippets', private: true, type: 'module' }));
  mkdirSync(join(work, 'src'));
  for (const s of checked) {
    // A module of its own (top-level await, no name clashes between blocks); context lines first.
    writeFileSync(join(work, 'src', fileOf(s)), `${s.context}${s.code}\nexport {};\n`);
  }
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ ...userTsconfig, include: ['src'] }, null, 2));
  // The compiler API gives every file its own syntactic and semantic diagnostics (tsc stops at the
  // first syntax error in any file and would hide the type errors of all the others).
  const parsed = ts.getParsedCommandLineOfConfigFile(join(work, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const report = (key: string, d: ts.Diagnostic) => {
    const where = d.file && d.start !== undefined ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    diagnostics.set(key, [...(diagnostics.get(key) ?? []), `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`]);
  };
  for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) report('(tsc)', d);
  for (const file of program.getRootFileNames()) {
    const source = program.getSourceFile(file)!;
    const key = file.slice(file.lastIndexOf('/') + 1);
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) report(key, d);
  }
  program.emit();
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('README snippets', () => {
  it('finds the READMEs and their ts blocks', () => {
    expect(readmes).toContain('packages/core/README.md');
    expect(snippets.length).toBeGreaterThan(10);
  });

  it('tsc reports nothing outside the snippet files', () => {
    expect(diagnostics.get('(tsc)') ?? []).toEqual([]);
  });

  for (const s of snippets) {
    const where = `${s.file}:${s.line}`;
    if (s.fragment) {
      it(`${where} opts out with a reason: ${s.fragment}`, () => {
        expect(s.fragment!.length).toBeGreaterThan(3);
      });
      continue;
    }
    it(`${where} typechecks${s.run ? ' and runs' : ''}`, async () => {
      const errors = diagnostics.get(fileOf(s)) ?? [];
      const offset = s.context ? s.context.split('\n').length - 1 : 0;
      expect(
        errors.map((e) => e.replace(/^line (\d+)/, (_, n) => `README line ${s.line + Number(n) - offset}`)),
        `${where} (file ${relative(root, join(work, 'src', fileOf(s)))})`,
      ).toEqual([]);
      if (!s.run) return;
      const js = join(work, 'out', fileOf(s).replace(/\.ts$/, '.js'));
      // Bounded: a complete program must finish on its own (stop what it starts).
      const { stdout } = await run(process.execPath, [js], { cwd: work, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
      expect(typeof stdout).toBe('string');
    }, 45_000);
  }
});
