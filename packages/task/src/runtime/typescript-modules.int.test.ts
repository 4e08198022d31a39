import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = join(import.meta.dirname, '..', '..', 'dist', 'index.js');
const tsModule = join(import.meta.dirname, '..', 'fixtures', 'user-tasks.ts');

// The user's case: the app runs the built @ody/task (no tsx in this process, as under vitest or with
// a .ts path from `ody dev`), and points the pool at a TypeScript task module. Regression: threads
// failed with ERR_UNKNOWN_FILE_EXTENSION before they registered the app's tsx themselves.
describe('TypeScript task modules with the built pool', () => {
  it('a pool thread loads a .ts module through the tsx installed next to it', async () => {
    const script = `
      const { createTaskPool } = await import(${JSON.stringify(dist)});
      const pool = createTaskPool({ modules: [${JSON.stringify(tsModule)}], minThreads: 1, maxThreads: 1 });
      try { console.log(JSON.stringify(await pool.run('sum', { values: [1, 2, 39] }))); } finally { await pool.close(); }
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
    expect(JSON.parse(stdout.trim())).toBe(42);
  });
});
