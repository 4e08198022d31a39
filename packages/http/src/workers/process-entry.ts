// Entry of an http worker process (http.workerMode: 'process'): builds the user's Application from
// the app-factory module and serves the shared port. Started by launch-process.ts with an IPC channel.
import { closeAllApps } from '../server/registry.js';
import { type AppLike, buildAppFrom } from './app-module.js';
import { installConnectionReceiver } from './connections.js';
import { WORKER_ENV } from './env.js';
import { markWorkerProcess, setWorkerListen, type WorkerListen } from './role.js';


markWorkerProcess();
const listen = process.env[WORKER_ENV.listen] as WorkerListen | undefined;
setWorkerListen(listen);
// Connections may arrive as soon as the parent sees 'ready': listen for them before the app loads.
if (listen === 'parent') installConnectionReceiver();
delete process.env[WORKER_ENV.listen];
const module = process.env[WORKER_ENV.module] ?? '';
const stopMs = Number(process.env[WORKER_ENV.stopMs] ?? 10_000);
// Not inherited by processes this worker's app may start (they are not http workers).
delete process.env[WORKER_ENV.module];
delete process.env[WORKER_ENV.slot];
delete process.env[WORKER_ENV.stopMs];

let app: AppLike | undefined;
let stopping = false;

/** Graceful stop bounded by the shutdown timeout, then exit. */
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  const hard = setTimeout(() => {
    closeAllApps();
    process.exit(code === 0 ? 1 : code);
  }, stopMs + 1000);
  const done = (c: number) => {
    clearTimeout(hard);
    process.exit(c);
  };
  if (app === undefined) {
    done(code);
    return;
  }
  app.stop().then(
    () => done(code),
    () => done(1),
  );
}

process.on('SIGTERM', () => stop(0));
// Ctrl-C reaches the whole process group: the supervisor decides, or the IPC channel closes.
process.on('SIGINT', () => undefined);
// The parent went away (even by SIGKILL): no orphans.
process.on('disconnect', () => stop(0));
process.on('uncaughtException', (err) => {
  try {
    app?.logger?.error({ err }, 'uncaught exception in http worker process; exiting');
  } finally {
    closeAllApps();
    process.exit(1);
  }
});

async function main(): Promise<void> {
  app = await buildAppFrom(module);
  await app.start();
  if (!process.connected) {
    stop(0);
    return;
  }
  process.send?.({ type: 'ready' });
}

main().catch((err: unknown) => {
  closeAllApps();
  if (!process.connected || process.send === undefined) process.exit(1);
  // exit once the message is out: process.exit() right after send() may drop it
  process.send({ type: 'failed', error: err instanceof Error ? err.message : String(err) }, undefined, {}, () => process.exit(1));
});
