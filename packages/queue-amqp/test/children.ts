import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, 'fixtures');

/** Arguments of fixtures/worker-child.ts. */
export interface WorkerChildArgs {
  url: string;
  prefix: string;
  queue: string;
  concurrency: number;
  handlerMs: number;
  logFile: string;
  tag: string;
}

/** Start a worker process and resolve once it is running. */
export function startWorkerChild(a: WorkerChildArgs): Promise<ChildProcess> {
  const child = fork(
    join(fixtures, 'worker-child.ts'),
    [a.url, a.prefix, a.queue, String(a.concurrency), String(a.handlerMs), a.logFile, a.tag],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker child ${a.tag} exited with ${code} before it was ready`)));
  });
}

/** Kill with `signal` and wait for the exit. */
export function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** One parsed line of a worker log. */
export type LogLine = { kind: 'run' | 'done'; id: string; attempt: number; stalls: number; tag: string } | { kind: 'ack'; id: string; tag: string };

/** Lines the workers wrote so far. */
export function readLog(file: string): LogLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l): LogLine => {
      const [kind, id, a, b, c] = l.split(' ') as [string, string, string, string, string];
      return kind === 'ack' ? { kind: 'ack', id, tag: a } : { kind: kind as 'run' | 'done', id, attempt: Number(a), stalls: Number(b), tag: c };
    });
}

/** Distinct job ids with a line of this kind. */
export function idsWith(file: string, kind: LogLine['kind']): Set<string> {
  return new Set(readLog(file).filter((l) => l.kind === kind).map((l) => l.id));
}

/** Graceful stop (SIGTERM → worker.close + driver.close); SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
