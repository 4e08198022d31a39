import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { newJobId } from './job-id.js';

const idsOfChild = (): string[] =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      `import { newJobId } from ${JSON.stringify(fileURLToPath(new URL('./job-id.ts', import.meta.url)))};
       console.log(JSON.stringify([newJobId(), newJobId()]));`], { encoding: 'utf8' }),
  );

describe('generated job ids', () => {
  it('are distinct within a process and use only file-name-safe characters', () => {
    const ids = Array.from({ length: 10_000 }, () => newJobId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{17,64}$/);
  });

  it('differ between processes (random per-process prefix), even at the same counter value', () => {
    const [a, b] = [idsOfChild(), idsOfChild()];
    expect(a[0]!.slice(-1)).toBe('0');
    expect(a[0]).not.toBe(b[0]);
    expect(new Set([...a, ...b]).size).toBe(4);
  });
});
