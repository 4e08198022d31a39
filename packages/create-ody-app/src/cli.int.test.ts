import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, 'cli.ts');
// tsx resolved from here, so the child may run in any folder.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Run the real command in a child process with no TTY (stdin closed); bounded so a hang fails. */
function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_user_agent: 'npm/11.0.0 node/v20 linux x64' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`create-ody-app ${args.join(' ')} hung; stdout: ${stdout}`));
    }, 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('create-ody-app command', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'create-ody-cli-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('without a TTY and without a target, exits 2 with the usage and never prompts', async () => {
    const { code, stderr } = await runCli([], cwd);
    expect(code).toBe(2);
    expect(stderr).toContain('No target folder given and no TTY');
    expect(stderr).toContain('Usage: npm create ody-app');
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await runCli(['--help'], cwd);
    expect(code).toBe(0);
    expect(stdout).toContain('--template <name>');
  });

  it('a bad template exits 2 listing the valid ones', async () => {
    const { code, stderr } = await runCli(['app', '--template', 'nope'], cwd);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown template 'nope'/);
    for (const t of ['api', 'realtime', 'cqrs', 'worker']) expect(stderr).toContain(t);
    expect(existsSync(join(cwd, 'app'))).toBe(false);
  });

  it('with a target and no TTY, scaffolds with the defaults, initialises git and prints next steps', async () => {
    const { code, stdout } = await runCli(['my-app', '--no-install'], cwd);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'my-app', 'package.json'), 'utf8')).dependencies).toHaveProperty('@ody/http');
    expect(existsSync(join(cwd, 'my-app', '.git'))).toBe(true);
    expect(stdout).toContain('cd my-app');
    expect(stdout).toContain('npm install');
  });

  it('refuses a non-empty target without --overwrite (exit 2)', async () => {
    await runCli(['taken', '--no-install', '--no-git'], cwd);
    const { code, stderr } = await runCli(['taken', '--no-install', '--no-git', '-t', 'worker'], cwd);
    expect(code).toBe(2);
    expect(stderr).toContain('--overwrite');
  });
});
