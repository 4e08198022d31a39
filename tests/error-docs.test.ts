import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectErrorTables, expectedErrorDocs, packagesWithErrors, repoRoot } from '../scripts/error-docs.js';

describe('error code docs are generated from the code', () => {
  it('finds every package that defines errors', () => {
    expect(packagesWithErrors()).toEqual(expect.arrayContaining(['core', 'http', 'queue', 'websocket']));
  });

  it('every errors.ts table comes from defineErrors and its codes follow ODY_<PKG>_<WHAT>', async () => {
    for (const t of await collectErrorTables()) {
      expect(t.rows.length, `${t.dir} defines no codes`).toBeGreaterThan(0);
      for (const row of t.rows) expect(row.code).toMatch(/^ODY_[A-Z0-9_]+$/);
    }
  });

  it('docs/errors.md and every packages/*/docs/errors.md are up to date (run `npm run errors:docs`)', async () => {
    for (const [path, expected] of await expectedErrorDocs()) {
      const name = relative(repoRoot, path);
      expect(existsSync(path), `${name} is missing; run npm run errors:docs`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${name} is stale; run npm run errors:docs`).toBe(expected);
    }
  });

  it('codes are unique across packages', async () => {
    const owner = new Map<string, string>();
    for (const t of await collectErrorTables()) {
      for (const { code } of t.rows) {
        expect(owner.get(code), `${code} is defined by both ${owner.get(code)} and ${t.dir}`).toBeUndefined();
        owner.set(code, t.dir);
      }
    }
  });
});
