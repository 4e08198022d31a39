import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProcessDefinition, ProcessEventName, ProcessEvents, ProcessManager } from '../src/index.js';

/** Absolute path of a fixture. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A definition running the worker fixture through tsx. */
export function worker(name: string, extra: Partial<ProcessDefinition> = {}): ProcessDefinition {
  return { name, module: fixture('worker.ts'), execArgv: ['--import', 'tsx'], output: { logger: false }, stopTimeoutMs: 2_000, ...extra };
}

/** Is a pid alive? A zombie (dead, not yet reaped by its new parent) counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

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
