import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ody, run, scaffoldApp } from '../testing/scaffolded.js';

const require_ = createRequire(import.meta.url);

// make:process in the worker template (the one that depends on @ody/process): the generated child
// module compiles with the app, and its generated test supervises it in a real child process.
describe('ody make:process in a scaffolded worker app', () => {
  let app: string;
  beforeAll(() => {
    app = scaffoldApp('worker', 'make-process', 'jobs');
  });
  afterAll(() => rmSync(join(app, '..'), { recursive: true, force: true }));

  it('writes the module and its test, says how to supervise it, and refuses to overwrite', async () => {
    const made = await ody(app, ['make:process', 'ticker']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain('created src/processes/ticker.ts');
    expect(made.stdout).toContain('created src/processes/ticker.test.ts');
    expect(made.stdout).toContain("processPlugin({ processes: [{ name: 'ticker'");
    expect(made.stdout).not.toContain('npm install @ody/process');
    const json = await ody(app, ['--json', 'make:process', 'heart-beat']);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'process', files: ['src/processes/heart-beat.ts', 'src/processes/heart-beat.test.ts'] });
    const again = await ody(app, ['make:process', 'ticker']);
    expect(again.status).toBe(2);
    expect(again.stderr.trim()).toBe('ody: Not overwriting src/processes/ticker.ts, src/processes/ticker.test.ts; pick another name or remove the file.');
    const help = await ody(app, ['make:process', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: ody make:process [options] <name>');
  }, 120_000);

  it('the generated process compiles and its test starts it with createProcessManager until ready', async () => {
    // Only the generated files with the app's compiler options: the worker template's own src/app.ts
    // does not compile against the current @ody/core Backoff ({ initialMs, maxMs } vs { delayMs, maxDelayMs }).
    writeFileSync(join(app, 'tsconfig.processes.json'), JSON.stringify({ extends: './tsconfig.json', include: ['src/processes'] }));
    const typecheck = await run([process.execPath, require_.resolve('typescript/bin/tsc'), '--noEmit', '-p', join(app, 'tsconfig.processes.json')], app);
    expect(typecheck.status, typecheck.stdout + typecheck.stderr).toBe(0);
    const tests = await run([process.execPath, require_.resolve('vitest/vitest.mjs'), 'run', 'src/processes'], app);
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/Tests\s+2 passed/);
  }, 120_000);
});
