import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { scaffold } from 'create-ody-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProject } from '../project.js';
import { odyCommand } from '../testing/scaffolded.js';
import { kinds } from './generators.js';
import { make } from './make.js';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const require_ = createRequire(import.meta.url);

/** The real `ody` command in a child process, in `cwd`. */
function ody(cwd: string, ...args: string[]) {
  return spawnSync(odyCommand[0]!, [...odyCommand.slice(1), ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
}

/** A child process run without blocking this worker's event loop (vitest talks to it meanwhile). */
function exec(args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

// The app lives inside the repo (in .tmp/, ignored by git) so its @ody/* imports resolve to this
// workspace's packages, as they would to the published ones in a user's app.
describe('ody make:* in a scaffolded app', () => {
  let app: string;
  beforeAll(() => {
    mkdirSync(join(repo, '.tmp'), { recursive: true });
    app = join(mkdtempSync(join(repo, '.tmp', 'make-')), 'shop');
    scaffold({ target: app, template: 'cqrs' });
  });
  afterAll(() => rmSync(join(app, '..'), { recursive: true, force: true }));

  it('generates every kind, registers what the template has a slot for, and refuses to overwrite', () => {
    // One kind through the real command, the rest through the same function in-process (faster).
    const made = ody(app, 'make:controller', 'audit-controller');
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain('created src/controllers/audit-controller.controller.ts');
    expect(made.stdout).toContain('registered in src/app.ts (controllers)');
    for (const kind of kinds.filter((k) => k !== 'controller')) expect(make(findProject(app), kind, `audit-${kind}`).files).toHaveLength(2);
    const appTs = readFileSync(join(app, 'src', 'app.ts'), 'utf8');
    expect(appTs).toContain('AuditControllerController, /* ody:controllers */');
    expect(appTs).toContain('AuditCommandHandler');
    expect(appTs).toContain('OnAuditEvent');
    expect(appTs).toContain('auditPluginPlugin(), /* ody:plugins */');
    expect(appTs).toContain('auditAggregateAggregate, /* ody:aggregates */');
    expect(appTs).toContain("import { auditAggregateAggregate } from './aggregates/audit-aggregate.js';");
    expect(appTs).toContain('auditProjectionProjection(readModels), /* ody:projections */');
    expect(appTs).toContain("import { auditProjectionProjection } from './projections/audit-projection.js';");
    const again = ody(app, 'make:controller', 'audit-controller');
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('Not overwriting src/controllers/audit-controller.controller.ts');
  });

  it('the generated code compiles with the app and passes its own tests', async () => {
    const typecheck = await exec([require_.resolve('typescript/bin/tsc'), '--noEmit', '-p', app], app);
    expect(typecheck.status, typecheck.output).toBe(0);
    const folders = ['src/controllers', 'src/routes', 'src/commands', 'src/queries', 'src/events', 'src/plugins', 'src/tasks', 'src/aggregates', 'src/projections'];
    // src/stock's HTTP test starts the whole app, so it also boots with the registered aggregate and projection.
    const run = await exec([require_.resolve('vitest/vitest.mjs'), 'run', ...folders, 'src/stock'], app);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/Test Files\s+10 passed/);
  }, 180_000);

  it('answers a bad name and an unknown command with exit 2 and one line', () => {
    const bad = ody(app, 'make:plugin', '9lives');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toContain("'9lives' is not a usable name");
    const unknown = ody(app, 'make:spaceship', 'x');
    expect(unknown.status).toBe(2);
  });

  it('--json gives machine output', () => {
    const made = ody(app, '--json', 'make:task', 'json-task');
    expect(made.status).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ kind: 'task', files: ['src/tasks/json-task.ts', 'src/tasks/json-task.test.ts'] });
  });

  it('doctor reports node and decorators as JSON and exits 0 when nothing fails', () => {
    const out = ody(app, '--json', 'doctor');
    const { checks } = JSON.parse(out.stdout) as { checks: Array<{ name: string; status: string }> };
    expect(checks.find((c) => c.name === 'node')?.status).toBe('ok');
    expect(checks.find((c) => c.name === 'decorators')?.status).toBe('ok');
    expect(out.status).toBe(checks.some((c) => c.status === 'fail') ? 1 : 0);
  });
});
