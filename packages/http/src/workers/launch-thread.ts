import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { entryFile, type Launcher, needsTsx, resolveHere } from './launch.js';

/**
 * TypeScript app modules (dev, tests): `--import tsx` in a worker's execArgv does not hook the
 * worker's own entry on Node 20, so an eval bootstrap registers tsx's ESM hooks first.
 */
function tsBootstrap(entryHref: string): string {
  const api = resolveHere('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs');
  return `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => { m.register(); return import(${JSON.stringify(entryHref)}); });`;
}

/** Worker threads in this process, each importing the app module (see worker-entry.ts). */
export function threadLauncher(module: string, execArgv: string[] = []): Launcher {
  const entry = entryFile('worker-entry');
  const ts = needsTsx(module, entry.ts);
  const script = ts ? tsBootstrap(entry.file.href) : fileURLToPath(entry.file);
  return (slot, events) => {
    const worker = new Worker(script, { eval: ts, workerData: { module, slot }, execArgv });
    const exited = new Promise<void>((resolve) => {
      worker.on('exit', (code) => {
        events.exit(code, null);
        resolve();
      });
    });
    worker.on('message', (m: { type?: string; error?: string }) => {
      if (m?.type === 'ready') events.ready();
      else if (m?.type === 'failed') events.failed(m.error ?? 'worker failed to start');
    });
    // 'error' precedes 'exit' for an uncaught exception; the exit handler does the bookkeeping.
    worker.on('error', () => undefined);
    return {
      threadId: worker.threadId,
      pid: process.pid,
      stop: () => worker.postMessage({ type: 'stop' }),
      // terminate() with open uWS sockets aborts the process: the worker closes them and exits itself.
      kill: () => worker.postMessage({ type: 'exit-now' }),
      exited,
    };
  };
}
