import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { fixture } from './fixtures/helpers.js';

// Regression: an aborted task with timeoutMs left its timeout timer armed, so a process using the pool
// lived on for the whole timeout after close(). The child's own exit is the check: it must end by itself.
it('a process exits on its own after close() even when a task with timeoutMs was aborted while running', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture('abort-then-close.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // The fixture's timeout is 120 s: a leaked timer keeps the child alive far past this bound.
  const bound = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref());
  try {
    const code = await Promise.race([exit, bound]);
    expect(out).toContain('aborted: ODY_TASK_ABORTED');
    expect(out).toContain('closed');
    expect(code).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
}, 60_000);
