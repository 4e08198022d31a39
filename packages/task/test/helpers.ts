import { fileURLToPath } from 'node:url';
import { createTaskPool, type TaskPool, type TaskPoolOptions } from '../src/index.js';

/** Absolute path of a fixture module. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A pool over the shared fixture tasks. */
export function pool(options: Partial<TaskPoolOptions> = {}): TaskPool {
  return createTaskPool({ modules: [fixture('tasks.ts')], minThreads: 1, maxThreads: 1, ...options });
}

/** Wait a little (lets a dispatch happen); not a timing assertion. */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until true, bounded. */
export async function until(check: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}
