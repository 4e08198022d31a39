import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = join(import.meta.dirname, '../fixtures/signal-app.ts');
const children: ChildProcess[] = [];

function start(mode: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (output.includes(text) ? resolve() : undefined);
      child.stdout!.on('data', check);
      child.once('exit', () => (output.includes(text) ? resolve() : reject(new Error(`exited before "${text}":\n${output}`))));
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, waitFor, exited, output: () => output };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('listenForSignals (real child processes)', () => {
  it('SIGTERM stops gracefully and exits 0', async () => {
    const app = start('ok');
    await app.waitFor('READY');
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('application stopped');
  });

  it('SIGINT with a failing shutdown exits 1 and logs the error', async () => {
    const app = start('fail');
    await app.waitFor('READY');
    app.child.kill('SIGINT');
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('flush failed');
  });

  it('a second signal forces exit with a non-zero code while shutdown hangs', async () => {
    const app = start('hang');
    await app.waitFor('READY');
    app.child.kill('SIGTERM');
    await app.waitFor('shutting down');
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(143);
    expect(app.output()).toContain('second signal');
  });
});

describe('shutdown timeout without other handles (regression)', () => {
  it('a step stuck on a never-settled promise times out and exits 1, not a silent exit 0', async () => {
    const app = start('stuck');
    await app.waitFor('READY');
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('did not finish within 200 ms');
  });
});
