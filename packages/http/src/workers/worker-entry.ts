import { parentPort, workerData } from 'node:worker_threads';
import { closeAllApps } from '../server/registry.js';

interface AppLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  logger?: { error(o: unknown, msg?: string): void };
}

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
  const mod = (await import(module)) as Record<string, unknown>;
  const factory = (mod.createApp ?? mod.default) as (() => AppLike | Promise<AppLike>) | undefined;
  if (typeof factory !== 'function') {
    throw new Error(`Worker module ${module} must export createApp() or a default factory returning an Application.`);
  }
  app = await factory();
  await app.start();
  parentPort?.postMessage({ type: 'ready' });
}

main().catch((err: unknown) => {
  parentPort?.postMessage({ type: 'failed', error: err instanceof Error ? err.message : String(err) });
  closeAllApps();
  process.exit(1);
});
