import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register } from './register.js';

describe('register', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ody-register-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the entry before the marker and the import after the last import, once', () => {
    const file = join(dir, 'app.ts');
    writeFileSync(file, "import { a } from './a.js';\nimport { b } from './b.js';\n\nexport const plugins = [a(), b(), /* ody:plugins */];\n");
    const r = { file, slot: 'plugins', entry: 'c()', importLine: "import { c } from './c.js';" };
    expect(register(r)).toBe(true);
    expect(register(r)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(
      "import { a } from './a.js';\nimport { b } from './b.js';\nimport { c } from './c.js';\n\nexport const plugins = [a(), b(), c(), /* ody:plugins */];\n",
    );
  });

  it('changes nothing without the marker or the file', () => {
    const file = join(dir, 'app.ts');
    writeFileSync(file, 'export const plugins = [];\n');
    expect(register({ file, slot: 'plugins', entry: 'c()', importLine: "import { c } from './c.js';" })).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('export const plugins = [];\n');
    expect(register({ file: join(dir, 'missing.ts'), slot: 'plugins', entry: 'c()', importLine: '' })).toBe(false);
  });
});
