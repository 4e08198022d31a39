import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = join(import.meta.dirname, '../packages');
const packagesWithErrors = readdirSync(packagesDir).filter((dir) => existsSync(join(packagesDir, dir, 'src/errors.ts')));

/** Codes listed in the first column of a markdown table: | `ODY_X` | meaning |. */
function documentedCodes(markdown: string): string[] {
  return [...markdown.matchAll(/^\|\s*`?(ODY_[A-Z0-9_]+)`?\s*\|/gm)].map((m) => m[1]!);
}

describe('error code docs stay in sync with the code', () => {
  it('finds the packages that define errors', () => {
    expect(packagesWithErrors).toContain('core');
  });

  for (const dir of packagesWithErrors) {
    it(`${dir}: docs/errors.md lists exactly the codes in src/errors.ts`, async () => {
      const mod = await import(pathToFileURL(join(packagesDir, dir, 'src/errors.ts')).href);
      expect(mod.errorCodes, `${dir}/src/errors.ts must export errorCodes`).toBeTypeOf('object');
      const inCode = Object.keys(mod.errorCodes).sort();
      const docPath = join(packagesDir, dir, 'docs/errors.md');
      expect(existsSync(docPath), `${dir}/docs/errors.md is missing`).toBe(true);
      const inDocs = documentedCodes(readFileSync(docPath, 'utf8')).sort();
      expect(inDocs).toEqual(inCode);
      for (const code of inCode) expect(code).toMatch(/^ODY_[A-Z0-9_]+$/);
    });
  }

  it('codes are unique across packages', async () => {
    const owner = new Map<string, string>();
    for (const dir of packagesWithErrors) {
      const mod = await import(pathToFileURL(join(packagesDir, dir, 'src/errors.ts')).href);
      for (const code of Object.keys(mod.errorCodes ?? {})) {
        expect(owner.get(code), `${code} is defined by both ${owner.get(code)} and ${dir}`).toBeUndefined();
        owner.set(code, dir);
      }
    }
  });
});
