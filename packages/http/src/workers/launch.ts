import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** What a launcher reports about one worker it started. */
export interface WorkerEvents {
  ready(): void;
  failed(message: string): void;
  exit(code: number | null, signal: NodeJS.Signals | null): void;
}

/** One running worker (thread or process) as the supervisor drives it. */
export interface WorkerHandle {
  readonly threadId: number;
  readonly pid: number;
  /** Ask for a graceful stop (thread: stop message; process: SIGTERM). */
  stop(): void;
  /** Stop now (thread: exit message, it closes its sockets first; process: SIGKILL). */
  kill(): void;
  /** Resolves once the worker is gone. */
  readonly exited: Promise<void>;
  /** Pass an accepted connection to the worker (process mode on the node engine without SO_REUSEPORT). */
  sendConnection?(message: unknown, socket: import('node:net').Socket): boolean;
}

/** Starts one worker for a slot. */
export type Launcher = (slot: number, events: WorkerEvents) => WorkerHandle;

/** Where this package's own worker entry files are (src when run through tsx, dist when built). */
export function entryFile(name: 'worker-entry' | 'process-entry'): { file: URL; ts: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { file: new URL(`./${name}.ts`, here), ts: true };
  // Built: everything sits flat in dist/ next to index.js / index.cjs.
  return { file: new URL(here.endsWith('.cjs') ? `./${name}.cjs` : `./${name}.js`, here), ts: false };
}

/** `file:` URL of the app-factory module. */
export function moduleUrl(m: string | URL): string {
  if (m instanceof URL) return m.href;
  return m.startsWith('file:') ? m : pathToFileURL(m).href;
}

/** Whether the app module (or our entry) is TypeScript and needs tsx in the worker. */
export function needsTsx(module: string, entryIsTs: boolean): boolean {
  return entryIsTs || /\.[cm]?ts$/.test(module);
}

/** Absolute path of a module resolved from this package (tsx is found wherever it is installed). */
export function resolveHere(specifier: string): string {
  return createRequire(import.meta.url).resolve(specifier);
}
