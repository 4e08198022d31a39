import { fileURLToPath } from 'node:url';
import type { ProcessDefinition, ProcessEventName, ProcessEvents, ProcessManager } from '../src/index.js';

/** Absolute path of a fixture. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A definition running the worker fixture through tsx. */
export function worker(name: string, extra: Partial<ProcessDefinition> = {}): ProcessDefinition {
  return { name, module: fixture('worker.ts'), execArgv: ['--import', 'tsx'], output: { logger: false }, stopTimeoutMs: 2_000, ...extra };
}

export { alive } from '../../../test-support/processes.js';

/** Poll `check` until true, bounded (no timing assertion: only a limit against hangs). */
export async function until(check: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collect every payload of one event. */
export function record<K extends ProcessEventName>(pm: ProcessManager, event: K): ProcessEvents[K][] {
  const seen: ProcessEvents[K][] = [];
  pm.on(event, (payload) => seen.push(payload));
  return seen;
}
