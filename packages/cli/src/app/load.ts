import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../errors.js';
import type { Project } from '../project.js';

/** What ody needs of an @ody/core Application (duck-typed: the app may carry its own copy of core). */
export interface LoadedApplication {
  readonly plugins: string[];
  readonly appConfig: Record<string, unknown>;
  configOf(section: string): unknown;
  /** Each config leaf with its source (@ody/core 0.x with config sources). */
  configEntries?(): Array<{ path: string; value: unknown; source: 'default' | 'code' | 'file' | 'env'; env: string }>;
  get<T>(key: symbol): T;
  has(key: symbol): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The files ody looks for, in order, when `--app` is not given. */
export const appCandidates = ['src/app.ts', 'dist/app.js'] as const;

/** Which app module ody would load: `--app <file>`, else src/app.ts (through the app's tsx, when installed), else dist/app.js. */
export function findAppFile(project: Project, file?: string): string {
  if (file !== undefined) {
    const path = isAbsolute(file) ? file : join(project.root, file);
    if (!existsSync(path)) throw new CliError('ODY_CLI_APP_NOT_FOUND', `--app ${file}: no such file in ${project.root}.`, { details: { file } });
    return path;
  }
  const [source, built] = appCandidates.map((c) => join(project.root, c)) as [string, string];
  // From source when the app can run TypeScript (tsx installed); a production install without dev
  // dependencies uses the build.
  if (existsSync(source) && (hasTsx(project) || !existsSync(built))) return source;
  if (existsSync(built)) return built;
  throw new CliError(
    'ODY_CLI_APP_NOT_FOUND',
    `No ${appCandidates.join(' or ')} in ${project.root}; export createApp() from one of them or pass --app <file>.`,
    { details: { root: project.root } },
  );
}

function hasTsx(project: Project): boolean {
  try {
    createRequire(join(project.root, 'package.json')).resolve('tsx/package.json');
    return true;
  } catch {
    return false;
  }
}

async function importModule(project: Project, path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (!/\.[cm]?tsx?$/.test(path)) return (await import(url)) as Record<string, unknown>;
  let api: string;
  try {
    // The ESM build of tsx/esm/api (require.resolve would give the CJS one, which loads ESM wrongly).
    const pkgFile = createRequire(join(project.root, 'package.json')).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
    api = join(dirname(pkgFile), pkg.exports['./esm/api']?.import?.default ?? 'dist/esm/api/index.mjs');
  } catch {
    throw new CliError('ODY_CLI_STEP_FAILED', `${relative(project.root, path)} is TypeScript and tsx is not installed in ${project.root}. Install it (npm install -D tsx) or build and use dist/app.js.`);
  }
  const { tsImport } = (await import(pathToFileURL(api).href)) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
  return tsImport(url, import.meta.url);
}

function isApplication(value: unknown): value is LoadedApplication {
  const v = value as Partial<LoadedApplication> | null;
  return typeof v === 'object' && v !== null && typeof v.start === 'function' && typeof v.get === 'function' && Array.isArray(v.plugins);
}

/**
 * Load the user's app module and call its `createApp()`; the Application is returned un-started.
 * Runs in the app's folder (relative paths in its config, its .env file). `env` is set on
 * process.env for the call (e.g. a quiet log level) unless the user set it already.
 */
export async function loadApp(
  project: Project,
  file?: string,
  env: Record<string, string> = {},
  /** Env to add once the app's plugins are known (the app is then created again with it). */
  more?: (app: LoadedApplication) => Record<string, string>,
): Promise<{ app: LoadedApplication; file: string }> {
  const path = findAppFile(project, file);
  const shown = relative(project.root, path);
  process.chdir(project.root);
  for (const [name, value] of Object.entries(env)) process.env[name] ??= value;
  const mod = await importModule(project, path);
  if (typeof mod.createApp !== 'function') {
    throw new CliError('ODY_CLI_APP_INVALID', `${shown} does not export a createApp() function (export function createApp(options?) returning createApplication(...)).`, {
      details: { file: shown, exports: Object.keys(mod) },
    });
  }
  const create = async () => {
    const app = await (mod.createApp as () => unknown)();
    if (!isApplication(app)) {
      throw new CliError('ODY_CLI_APP_INVALID', `createApp() in ${shown} did not return an @ody/core Application (return createApplication(...) without starting it).`, { details: { file: shown } });
    }
    return app;
  };
  let app = await create();
  const extra = more?.(app) ?? {};
  if (Object.keys(extra).length > 0) {
    for (const [name, value] of Object.entries(extra)) process.env[name] ??= value;
    app = await create();
  }
  return { app, file: shown };
}

/** The kernel's per-plugin records; read for what core has no public API for yet (schemas, register-only). */
interface Slot {
  plugin: { name: string; configSchema?: { safeParse(v: unknown): { success: boolean; data?: unknown } }; register?: (ctx: unknown) => unknown };
  ctx: unknown;
  hooks: Array<(budget: unknown) => unknown>;
}

/** @internal the app's plugin slots (private in @ody/core); throws a clear error if core changed shape. */
export function slotsOf(app: LoadedApplication): Slot[] {
  const slots = (app as unknown as { slots?: Slot[] }).slots;
  if (!Array.isArray(slots) || slots.some((s) => typeof s?.plugin?.name !== 'string')) {
    throw new CliError('ODY_CLI_APP_INVALID', 'This version of @ody/core does not expose what ody needs (plugin slots); update @ody/cli and @ody/core together.');
  }
  return slots;
}

/**
 * Run only the register phase of every plugin (bindings exist, nothing boots: no server, no workers).
 * Returns a release function that runs the shutdown hooks plugins added in register.
 */
export async function registerOnly(app: LoadedApplication): Promise<() => Promise<void>> {
  const slots = slotsOf(app);
  for (const slot of slots) if (slot.plugin.register) await slot.plugin.register(slot.ctx);
  return async () => {
    for (const slot of [...slots].reverse()) for (const hook of slot.hooks) await Promise.resolve(hook({ signal: new AbortController().signal, deadline: Date.now() + 5_000, remainingMs: () => 5_000 })).catch(() => undefined);
  };
}
