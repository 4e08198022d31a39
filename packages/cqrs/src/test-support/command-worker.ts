import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, 'fixtures');

/** Start the command-worker fixture (a real process working the 'slow' queue under `dir`); resolves once it is ready. */
export function startCommandWorker(dir: string, children: ChildProcess[], args: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'command-worker.ts'), dir, ...args], {
    env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

/** Wait (bounded) until the worker with that pid logged the start of a command handler. */
export async function handlerStarted(dir: string, pid: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const log = join(dir, 'log');
  while (!(existsSync(log) && readFileSync(log, 'utf8').includes(`start ${pid}`))) {
    if (Date.now() > deadline) throw new Error(`worker ${pid} did not start the handler within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** SIGKILL a child and wait for its exit. */
export async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
