import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TaskErrorCode } from '../errors.js';
import type { RetryPolicy } from '../protocol.js';
import { isTaskModule, retryPolicyOf, type TaskHandler } from '../worker.js';

/** A loaded task: its handler and the context its module's setup built. */
export interface LoadedTask {
  fn: TaskHandler;
  context: unknown;
  retry: RetryPolicy | null;
}

/**
 * An error raised while loading modules. Not TaskPoolError: importing @ody/core would load its whole
 * dependency tree in every thread; the pool rebuilds it as a TaskPoolError from name and code.
 */
function loadError(code: TaskErrorCode, message: string, details: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { name: 'TaskPoolError', code, details });
}

function specifierOf(module: string): string {
  return isAbsolute(module) ? pathToFileURL(module).href : module;
}

const TYPESCRIPT = /\.(c|m)?tsx?$/;
let tsxRegistered = false;

/**
 * A TypeScript task module (an app run with tsx or vitest points the pool at its `.ts` source): tsx's
 * loader does not reach worker threads through `--import` on Node 20, so the thread registers the
 * app's own tsx, resolved from the module's folder. Built apps pass `.js` and load nothing.
 */
async function registerTypeScript(module: string): Promise<void> {
  // The monorepo's development entry (worker-main-dev.mjs) registered tsx already.
  if (tsxRegistered || (globalThis as Record<symbol, unknown>)[Symbol.for('ody.task.tsx')] === true) return;
  const path = module.startsWith('file:') ? fileURLToPath(module) : module;
  let api: string;
  try {
    api = createRequire(path).resolve('tsx/esm/api');
  } catch {
    throw loadError('ODY_TASK_INVALID_MODULE', `Task module '${module}' is TypeScript and tsx is not installed next to it. Install it (npm install -D tsx) or point the pool at the built .js file.`, {
      module,
    });
  }
  // require.resolve picks tsx's CommonJS build; import its ES module build beside it (the CJS one loads
  // its ESM half by a path that only works under require).
  const esm = api.replace(/\.cjs$/, '.mjs');
  const { register } = (await import(pathToFileURL(existsSync(esm) ? esm : api).href)) as { register: () => unknown };
  register();
  tsxRegistered = true;
}

/** Import every task module, run their setups, and index handlers by task name. */
export async function loadModules(modules: readonly string[]): Promise<Map<string, LoadedTask>> {
  const tasks = new Map<string, LoadedTask>();
  const owner = new Map<string, string>();
  for (const module of modules) {
    if (TYPESCRIPT.test(module)) await registerTypeScript(module);
    const ns = (await import(specifierOf(module))) as Record<string, unknown>;
    const candidate = ns.default ?? ns;
    let handlers: Record<string, unknown>;
    let context: unknown;
    if (isTaskModule(candidate)) {
      handlers = candidate.tasks as Record<string, unknown>;
      context = candidate.setup === undefined ? undefined : await candidate.setup();
    } else if (typeof candidate === 'object' && candidate !== null) {
      handlers = Object.fromEntries(Object.entries(candidate).filter(([, v]) => typeof v === 'function'));
    } else {
      throw loadError('ODY_TASK_INVALID_MODULE', `Task module '${module}' exports no tasks; default-export defineTasks({ ... }).`, { module });
    }
    for (const [name, fn] of Object.entries(handlers)) {
      if (typeof fn !== 'function') continue;
      const previous = owner.get(name);
      if (previous !== undefined) {
        throw loadError('ODY_TASK_INVALID_MODULE', `Task '${name}' is exported by both '${previous}' and '${module}'; task names must be unique.`, {
          task: name,
          modules: [previous, module],
        });
      }
      owner.set(name, module);
      tasks.set(name, { fn: fn as TaskHandler, context, retry: retryPolicyOf(fn) ?? null });
    }
  }
  return tasks;
}
