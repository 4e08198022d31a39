import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Type tests (`*.test-d.ts`, `*.typing.test.ts`) are checked by `npm run typecheck` (tsc over each
// package's src). This proves that check has teeth: the same type test passes as written and fails
// once one assertion is flipped.
const root = join(import.meta.dirname, '..');
const work = join(root, 'node_modules/.cache/ody-type-flip');
const source = join(root, 'packages/core/src/error/define-errors.test-d.ts');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

async function typecheck(name: string, text: string): Promise<{ ok: boolean; output: string }> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const abs = join(root, 'packages/core/src/error/define-errors.js');
  writeFileSync(join(dir, 'case.test-d.ts'), text.replace("'./define-errors.js'", JSON.stringify(abs)));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { noEmit: true }, files: ['case.test-d.ts'] }),
  );
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir });
    return { ok: true, output: '' };
  } catch (err) {
    return { ok: false, output: String((err as { stdout?: string }).stdout ?? err) };
  }
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('type tests are typechecked', () => {
  it('a type test passes as written and fails when one assertion is flipped', async () => {
    const original = readFileSync(source, 'utf8');
    const flipped = original.replace("toEqualTypeOf<'ODY_SHOP_CLOSED'>()", "toEqualTypeOf<'ODY_SHOP_OPEN'>()");
    expect(flipped).not.toBe(original);
    const [asWritten, afterFlip] = await Promise.all([typecheck('as-written', original), typecheck('flipped', flipped)]);
    expect(asWritten).toEqual({ ok: true, output: '' });
    expect(afterFlip.ok).toBe(false);
    expect(afterFlip.output).toContain('case.test-d.ts');
  }, 120_000);
});
