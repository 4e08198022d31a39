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
