import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
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
const bin = join(import.meta.dirname, '..', 'bin.ts');

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
  return run([process.execPath, '--import', tsxLoader, bin, ...args], cwd, env);
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
