import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, 'fixtures');

/** Start a worker process (fixtures/worker-child.ts) and resolve once it is running. */
export function startWorkerChild(args: {
  url: string;
  queue: string;
  concurrency: number;
  leaseMs: number;
  handlerMs: number;
  tag: string;
}): Promise<ChildProcess> {
  const child = fork(
    join(fixtures, 'worker-child.ts'),
    [args.url, args.queue, String(args.concurrency), String(args.leaseMs), String(args.handlerMs), args.tag],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker child ${args.tag} exited with ${code} before it was ready`)));
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

/** Graceful stop (SIGTERM → worker.close); resolves with the child's report, SIGKILL after 5 s. */
export function stopChild(child: ChildProcess): Promise<{ connectionErrors: number } | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let report: { connectionErrors: number } | undefined;
    child.on('message', (m) => {
      if (typeof m === 'object') report = m as { connectionErrors: number };
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(report);
    });
    child.kill('SIGTERM');
  });
}
