/** Something holding uWS sockets open in this thread. */
interface Closable {
  forceClose(): void;
}

// On globalThis: the worker entry and the user's app may load different bundles of this package.
const KEY = Symbol.for('@ody/http/open-apps');
const g = globalThis as unknown as Record<symbol, Set<Closable> | undefined>;
g[KEY] ??= new Set<Closable>();
const open: Set<Closable> = g[KEY]!;

/** @internal remember a listening server so a dying thread can close it first. */
export function trackApp(s: Closable): void {
  open.add(s);
}

/** @internal */
export function untrackApp(s: Closable): void {
  open.delete(s);
}

/**
 * Close every uWS app of this thread at once. A worker thread that exits with uWS sockets open
 * aborts the whole process (libuv asserts on open handles), so worker threads call this from their
 * exit and crash handlers.
 */
export function closeAllApps(): void {
  for (const s of [...open]) {
    try {
      s.forceClose();
    } catch {
      // best effort: the thread is going away
    }
  }
}
