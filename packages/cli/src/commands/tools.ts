import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import type { Project } from '../project.js';

/** Resolve a file of a tool (tsx, typescript) from the app's own node_modules. */
export function resolveFromProject(project: Project, request: string, installHint: string): string {
  try {
    return createRequire(join(project.root, 'package.json')).resolve(request);
  } catch {
    throw new CliError('ODY_CLI_STEP_FAILED', `${request} is not installed in ${project.root}. ${installHint}`, { details: { request } });
  }
}

/**
 * Run node with `args` in the app's folder, forwarding SIGINT/SIGTERM so Ctrl-C stops the app
 * gracefully; resolves with the child's exit code (128 + signal number when killed by a signal).
 */
export function runNode(project: Project, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: project.root, stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}

/** `ody dev [entry]`: tsx watch, restarted on every change. */
export function dev(project: Project, entry = 'src/main.ts'): Promise<number> {
  requireFile(project, entry, 'Pass the entry file: ody dev src/server.ts');
  const tsx = resolveFromProject(project, 'tsx/cli', 'Install it: npm install -D tsx');
  return runNode(project, [tsx, 'watch', '--clear-screen=false', entry]);
}

/** `ody start [entry]`: the built app. */
export function start(project: Project, entry = 'dist/main.js'): Promise<number> {
  requireFile(project, entry, 'Build first: ody build (or pass the entry: ody start dist/server.js)');
  return runNode(project, ['--enable-source-maps', entry], { NODE_ENV: 'production', ...process.env });
}

/** `ody build`: tsc with tsconfig.build.json when the app has one, else tsconfig.json. */
export function build(project: Project): Promise<number> {
  const tsc = resolveFromProject(project, 'typescript/bin/tsc', 'Install it: npm install -D typescript');
  const config = existsSync(join(project.root, 'tsconfig.build.json')) ? 'tsconfig.build.json' : 'tsconfig.json';
  return runNode(project, [tsc, '-p', config]);
}

function requireFile(project: Project, file: string, hint: string): void {
  if (!existsSync(join(project.root, file))) {
    throw new CliError('ODY_CLI_STEP_FAILED', `${file} does not exist in ${project.root}. ${hint}`, { details: { file } });
  }
}
