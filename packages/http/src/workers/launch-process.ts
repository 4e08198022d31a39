import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { entryFile, type Launcher, needsTsx, resolveHere } from './launch.js';

/** `--import <tsx loader>` by absolute URL, so the child finds tsx whatever its cwd. */
function tsxImport(): string[] {
  const loader = join(dirname(resolveHere('tsx/package.json')), 'dist', 'loader.mjs');
  return ['--import', pathToFileURL(loader).href];
}

/**
 * Child processes (child_process.fork of process-entry), each importing the app module and
 * building its own Application; all bind the one port through SO_REUSEPORT. A child exits when
 * the IPC channel to this process disconnects, so a SIGKILLed parent leaves no orphans.
 */
export function processLauncher(module: string, options: { execArgv?: string[]; stopTimeoutMs: number }): Launcher {
  const entry = entryFile('process-entry');
  const execArgv = options.execArgv ?? (needsTsx(module, entry.ts) ? tsxImport() : []);
  return (slot, events) => {
    const child: ChildProcess = fork(fileURLToPath(entry.file), [], {
      execArgv,
      env: {
        ...process.env,
        ODY_HTTP_WORKER_MODULE: module,
        ODY_HTTP_WORKER_SLOT: String(slot),
        ODY_HTTP_WORKER_STOP_MS: String(options.stopTimeoutMs),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        events.exit(code, signal);
        resolve();
      });
    });
    child.on('message', (m: { type?: string; error?: string }) => {
      if (m?.type === 'ready') events.ready();
      else if (m?.type === 'failed') events.failed(m.error ?? 'worker process failed to start');
    });
    child.on('error', () => undefined); // e.g. signalling a child that is already gone; 'exit' follows
    const signal = (s: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(s);
    };
    return { threadId: 0, pid: child.pid ?? 0, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL'), exited };
  };
}
