/**
 * Shared PostgreSQL harness for vitest. Import from a test with a relative path, e.g.
 * `import { describeWithPostgres } from '../../../test-support/postgres-harness.js'`.
 *
 * Source of PostgreSQL, in order: `DATABASE_URL`; else a server answering on 127.0.0.1:5432
 * (`postgres://postgres@127.0.0.1:5432/postgres`); else `initdb` + `postgres` from installed binaries
 * into a temp dir on a free port (as a non-root user when run as root); else the suite is skipped with
 * a visible `[postgres] skipped: …` line — except under `CI=true` or `ODY_REQUIRE_POSTGRES=1`, where it fails.
 * Tests isolate themselves in their own schema (`pg.schema()`), dropped after the file.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { freePort } from './ports.js';
import { ownedEnv, reapOrphans } from './processes.js';
import { describeMissing } from './missing-server.js';

/** Where the suite's PostgreSQL comes from. */
export type PostgresSource =
  | { mode: 'url'; url: string }
  | { mode: 'local'; url: string }
  | { mode: 'spawn'; bin: string }
  | { mode: 'none'; reason: string };

/** True when a missing PostgreSQL must fail the run. */
export function postgresRequired(): boolean {
  return process.env.CI === 'true' || process.env.ODY_REQUIRE_POSTGRES === '1';
}

/** Directory holding `initdb` and `postgres`, if installed. */
export function findPostgresBin(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin'];
  try {
    for (const v of readdirSync('/usr/lib/postgresql').sort().reverse()) dirs.push(join('/usr/lib/postgresql', v, 'bin'));
  } catch {
    // no Debian layout
  }
  for (const d of dirs) {
    try {
      accessSync(join(d, 'initdb'), constants.X_OK);
      accessSync(join(d, 'postgres'), constants.X_OK);
      return d;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether something accepts TCP connections on host:port (checked synchronously in a child). */
function portAnswers(host: string, port: number): boolean {
  const probe = `const s=require('net').createConnection({host:${JSON.stringify(host)},port:${port}});s.setTimeout(1000);s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));s.on('timeout',()=>process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
}

/** Decide where PostgreSQL comes from (synchronous, so describe blocks can use it). `private`: only a spawned server will do. */
export function postgresSource(options: PostgresOptions = {}): PostgresSource {
  if (options.private) {
    const bin = findPostgresBin();
    return bin === undefined ? { mode: 'none', reason: 'this suite kills or pauses the server, which needs initdb/postgres binaries (apt-get install postgresql)' } : { mode: 'spawn', bin };
  }
  if (process.env.DATABASE_URL) return { mode: 'url', url: process.env.DATABASE_URL };
  if (portAnswers('127.0.0.1', 5432)) return { mode: 'local', url: 'postgres://postgres@127.0.0.1:5432/postgres' };
  const bin = findPostgresBin();
  if (bin !== undefined) return { mode: 'spawn', bin };
  return { mode: 'none', reason: 'no DATABASE_URL, nothing on 127.0.0.1:5432, and no initdb/postgres binaries installed' };
}

/** Options of `describeWithPostgres`. */
export interface PostgresOptions {
  /** The suite kills or pauses server processes: it always gets a server of its own. */
  private?: boolean;
}

/** A PostgreSQL started by the harness in a temp dir. */
export interface SpawnedPostgres {
  readonly url: string;
  /** Pid of the postmaster. */
  readonly pid: number;
  stop(): Promise<void>;
}

function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = createConnection({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`[postgres] nothing listened on ${host}:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Resolves once `select 1` answers (the port opens before the server accepts sessions). */
async function waitForQuery(url: string, timeoutMs: number): Promise<void> {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`[postgres] ${url} did not accept queries within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** initdb into a temp dir and start `postgres` on a free port (as user `postgres`/`nobody` when root). */
export async function spawnPostgres(bin: string): Promise<SpawnedPostgres> {
  reapOrphans();
  const dir = mkdtempSync(join(tmpdir(), 'ody-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb and postgres refuse to run as root: run them as `postgres` (or `nobody`) by uid/gid, so the
  // child is postgres itself and a signal to it reaches the server.
  let ids: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    const user = spawnSync('id', ['-u', 'postgres']).status === 0 ? 'postgres' : 'nobody';
    ids = { uid: Number(execFileSync('id', ['-u', user]).toString().trim()), gid: Number(execFileSync('id', ['-g', user]).toString().trim()) };
    chownSync(dir, ids.uid, ids.gid);
    chmodSync(dir, 0o700);
  }
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { stdio: 'ignore', cwd: dir, ...ids });
  const child: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
    stdio: 'ignore',
    cwd: dir,
    env: ownedEnv(),
    ...ids,
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  await waitForPort('127.0.0.1', port, 30_000);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitForQuery(url, 30_000);
  return {
    url,
    pid: child.pid!,
    async stop() {
      process.off('exit', kill);
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGINT');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a test sees: the server URL and a per-test schema factory. */
export interface PostgresHandle {
  readonly url: string;
  /** The server the harness spawned (always there with `{ private: true }`). */
  readonly server: SpawnedPostgres | undefined;
  /** A fresh schema name for one test (created by the caller's migration); every one is dropped after the file. */
  schema(): string;
}

/**
 * `describe` whose body gets a PostgreSQL. Without one: a visible skip line and a skipped suite, or —
 * under CI=true / ODY_REQUIRE_POSTGRES=1 — one failing test that says what is missing.
 */
export function describeWithPostgres(name: string, fn: (pg: PostgresHandle) => void, options: PostgresOptions = {}): void {
  const source = postgresSource(options);
  if (source.mode === 'none') {
    describeMissing({ tag: 'postgres', what: 'PostgreSQL', requireVar: 'ODY_REQUIRE_POSTGRES', required: postgresRequired() }, name, source.reason);
    return;
  }
  describe(name, () => {
    let url: string | undefined = source.mode === 'spawn' ? undefined : source.url;
    let spawned: SpawnedPostgres | undefined;
    const schemas: string[] = [];
    beforeAll(async () => {
      if (source.mode === 'spawn') {
        spawned = await spawnPostgres(source.bin);
        url = spawned.url;
      }
    }, 60_000);
    afterAll(async () => {
      if (url !== undefined && schemas.length > 0) {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
        } finally {
          await client.end();
        }
      }
      await spawned?.stop();
    }, 60_000);
    fn({
      get url() {
        if (url === undefined) throw new Error('[postgres] url read outside a test (before beforeAll)');
        return url;
      },
      get server() {
        return spawned;
      },
      schema() {
        const s = `ody_test_${randomBytes(5).toString('hex')}`;
        schemas.push(s);
        return s;
      },
    });
  });
}
