import { parentPort, workerData } from 'node:worker_threads';
import { closeAllApps } from '../server/registry.js';
import { type AppLike, buildAppFrom } from './app-module.js';


// A worker thread that exits with uWS sockets open aborts the whole process: close them first.
process.on('exit', closeAllApps);

const { module } = workerData as { module: string; slot: number };
let app: AppLike | undefined;

process.on('uncaughtException', (err) => {
  try {
    app?.logger?.error({ err }, 'uncaught exception in http worker; exiting');
  } finally {
    closeAllApps();
    process.exit(1);
  }
});

// Listening from the start: the supervisor may stop a worker that is still starting.
parentPort?.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') {
    if (app === undefined) process.exit(0);
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  } else if (m?.type === 'exit-now') process.exit(1);
});

async function main(): Promise<void> {
  app = await buildAppFrom(module);
  await app.start();
  parentPort?.postMessage({ type: 'ready' });
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  closeAllApps();
  process.exit(1);
});
