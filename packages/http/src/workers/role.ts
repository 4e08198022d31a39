// On globalThis: the process entry and the user's app module may load different bundles of this package.
const KEY = Symbol.for('@ody/http/worker-process');
const g = globalThis as unknown as Record<symbol, boolean | undefined>;

/** @internal the process-worker entry marks its process before importing the app module. */
export function markWorkerProcess(): void {
  g[KEY] = true;
}

/** @internal true inside a child process started by `http.workerMode: 'process'`: serve, never supervise. */
export function isWorkerProcess(): boolean {
  return g[KEY] === true;
}

/** How a node-engine worker process gets its connections: its own SO_REUSEPORT listener, or from the parent. */
export type WorkerListen = 'reuseport' | 'parent';
const LISTEN_KEY = Symbol.for('@ody/http/worker-listen');
const g2 = globalThis as unknown as Record<symbol, WorkerListen | undefined>;

/** @internal set by the process-worker entry from its parent's instruction. */
export function setWorkerListen(mode: WorkerListen | undefined): void {
  g2[LISTEN_KEY] = mode;
}

/** @internal how this worker process's node engine must listen (undefined: not a worker process). */
export function workerListen(): WorkerListen | undefined {
  return g2[LISTEN_KEY];
}

/** Whether node:net has `reusePort` (Node >= 22.12 / 23.1): SO_REUSEPORT for node-engine workers. */
export function hasReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}
