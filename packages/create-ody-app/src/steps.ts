import { spawnSync } from 'node:child_process';
import { CreateAppError } from './errors.js';
import type { PackageManager } from './package-manager.js';

/** Install the new app's dependencies with `pm` (output shown to the user). */
export function installDependencies(pm: PackageManager, cwd: string): void {
  const result = spawnSync(pm, ['install'], { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    throw new CreateAppError(
      'ODY_CREATE_STEP_FAILED',
      `'${pm} install' failed (${result.error?.message ?? `exit ${result.status}`}). The files are written; run it yourself in ${cwd}.`,
      { cause: result.error, details: { step: 'install', pm, status: result.status } },
    );
  }
}

/**
 * `git init` and a first commit. Returns false (and changes nothing) when git is missing or the
 * folder is already inside a repository; a commit without a configured identity still leaves an
 * initialised repository with the files staged.
 */
export function initGit(cwd: string): boolean {
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd, encoding: 'utf8' });
  if (inside.error || inside.stdout.trim() === 'true') return false;
  const run = (args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8' }).status === 0;
  if (!run(['init', '-q'])) return false;
  run(['add', '-A']);
  run(['commit', '-q', '-m', 'Initial commit from create-ody-app']);
  return true;
}
