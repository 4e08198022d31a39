/**
 * A real local npm registry for tests: verdaccio (a devDependency of the repo) on a free 127.0.0.1 port
 * with its own temp storage and user file, and a token that may publish.
 *
 * `@ody/*` (and any scope passed in `localScopes`) is served only from the temp storage; every other
 * package is proxied to the public npm registry, so an app can point its whole `registry` here.
 * Nothing is kept: `stop()` kills the server and removes the folder.
 *
 * @example
 * const registry = await startNpmRegistry();
 * // npm publish --registry registry.url with `//host:port/:_authToken=${registry.token}` in an npmrc,
 * // or: registry.npmrc('@ody') gives the .npmrc lines of an app that installs @ody/* from it.
 * await registry.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const root = join(import.meta.dirname, '..');

/** Options of `startNpmRegistry`. */
export interface NpmRegistryOptions {
  /** Scopes served only from this registry, never proxied (default `['@ody']`). */
  localScopes?: string[];
  /** Upstream for every other package (default `https://registry.npmjs.org/`; `false`: no proxy). */
  uplink?: string | false;
  /** Bound for the server to answer, in ms (default 30 000). */
  startTimeoutMs?: number;
}

/** A started registry. */
export interface NpmRegistry {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** Auth token of a user allowed to publish (and read). */
  token: string;
  /** The temp folder holding config, storage and htpasswd. */
  dir: string;
  /** `.npmrc` lines routing `scope` (or every package when omitted) here, with the token. */
  npmrc(scope?: string): string;
  /** SIGTERM, then SIGKILL after 5 s; removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

/** Where verdaccio's CLI is, or undefined when the devDependency is not installed. */
export function findVerdaccio(): string | undefined {
  const bin = join(root, 'node_modules/verdaccio/bin/verdaccio');
  return existsSync(bin) ? bin : undefined;
}

/** true when a missing registry must fail the run instead of skipping (CI=true). */
export function registryRequired(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

function configYaml(dir: string, scopes: string[], uplink: string | false): string {
  const local = scopes.map((scope) => `  '${scope.startsWith('@') ? `${scope}/*` : scope}':\n    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n`).join('');
  return [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
    '    max_users: 100',
    uplink ? `uplinks:\n  upstream:\n    url: ${JSON.stringify(uplink)}\n    timeout: 60s\n    max_fails: 5` : '',
    'packages:',
    local.trimEnd(),
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    uplink ? '    proxy: upstream' : '',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: pretty, level: warn }',
    'max_body_size: 200mb',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`[npm-registry] ${what} within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** Starts verdaccio and creates a user whose token may publish. Throws when verdaccio is missing. */
export async function startNpmRegistry(options: NpmRegistryOptions = {}): Promise<NpmRegistry> {
  const bin = findVerdaccio();
  if (!bin) throw new Error('[npm-registry] verdaccio is not installed (it is a devDependency: run npm ci)');
  const dir = mkdtempSync(join(tmpdir(), 'ody-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(join(dir, 'config.yaml'), configYaml(dir, options.localScopes ?? ['@ody'], options.uplink ?? 'https://registry.npmjs.org/'));
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => {
    output = (output + b.toString()).slice(-8_000);
  });
  child.stderr?.on('data', (b: Buffer) => {
    output = (output + b.toString()).slice(-8_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));

  try {
    await until('verdaccio answers /-/ping', options.startTimeoutMs ?? 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}: ${output}`);
      const res = await fetch(new URL('-/ping', url));
      return res.ok ? true : undefined;
    });
    // npm's `adduser` call: creates the user in the temp htpasswd and answers with a token.
    const user = `ody-test-${process.pid}`;
    const res = await fetch(new URL(`-/user/org.couchdb.user:${user}`, url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: `pw-${Math.random().toString(36).slice(2)}`, type: 'user', roles: [] }),
    });
    const body = (await res.json()) as { token?: string; error?: string };
    if (!res.ok || !body.token) throw new Error(`creating the publish user failed: HTTP ${res.status} ${JSON.stringify(body)}`);
    const token = body.token;
    const nerf = url.replace(/^https?:/, '');
    return {
      url,
      token,
      dir,
      npmrc: (scope) => `${scope ? `${scope}:registry=${url}` : `registry=${url}`}\n${nerf}:_authToken=${token}\n`,
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- verdaccio output ---\n${output}`);
  }
}
