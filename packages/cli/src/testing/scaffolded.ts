import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scaffold } from 'create-ody-app';

type Template = Parameters<typeof scaffold>[0]['template'];

/** The monorepo root (apps are scaffolded into its ignored .tmp/ so @ody/* resolve to this workspace). */
export const repo = join(import.meta.dirname, '..', '..', '..', '..');
const require_ = createRequire(import.meta.url);
/** tsx's loader, for `node --import` of TypeScript (ody's own bin in tests, children from source). */
export const tsxLoader = pathToFileURL(require_.resolve('tsx')).href;

/** Newest modification time of the source files the build takes (tests and this folder left out), in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = e.name === 'testing' ? t : Math.max(t, newest(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/**
 * How tests run `ody`: the built bin users get (`dist/bin.js`, which `npm test` builds first) when it is
 * newer than every source file, else the source through tsx (a test run right after an edit, without a
 * build). The built one starts in about a third of the time, and the cli suites start it ~100 times.
 */
export const odyCommand: readonly string[] = (() => {
  const pkg = join(import.meta.dirname, '..', '..');
  const built = join(pkg, 'dist', 'bin.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(pkg, 'src'))) return [process.execPath, built];
  return [process.execPath, '--import', tsxLoader, join(pkg, 'src', 'bin.ts')];
})();

/** A fresh app from a create-ody-app template in `<repo>/.tmp/<prefix>-*` (remove `join(app, '..')` after). */
export function scaffoldApp(template: Template, prefix: string, name = 'app'): string {
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  const app = join(mkdtempSync(join(repo, '.tmp', `${prefix}-`)), name);
  scaffold({ target: app, template });
  return app;
}

/** What a finished child process said. */
export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The real `ody` command in a child process (without blocking vitest's event loop). */
export function ody(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return run([...odyCommand, ...args], cwd, env);
}

/** Run a command to its end; stdout and stderr kept apart. */
export function run([cmd, ...args]: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
