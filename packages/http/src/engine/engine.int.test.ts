import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('../fixtures/engine-probe.ts', import.meta.url));
const noNative = fileURLToPath(new URL('../fixtures/no-native.cjs', import.meta.url));

interface ProbeResult {
  engine?: string;
  log?: Array<{ engine: string; reason: string; msg: string }>;
  status?: number;
  error?: { code: string; message: string };
}

/** Start a server in a child process; `binary: false` makes the uWS native binary fail to load. */
function runProbe(engine: string, opts: { binary: boolean; env?: Record<string, string> }): Promise<ProbeResult> {
  const args = [...(opts.binary ? [] : ['--require', noNative]), '--import', 'tsx', probe, engine];
  const env = { ...process.env, ODY_HTTP_ENGINE: '', ...opts.env };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`no probe output: ${stdout}\n${stderr}`));
      resolve(JSON.parse(line) as ProbeResult);
    });
  });
}

// Native loading is per process, so every case runs in a child process.
describe('engine selection', () => {
  const uwsLoads = Number(process.versions.modules) <= 115;

  it.runIf(uwsLoads)('auto picks uws when the native binary loads and says so in one line', async () => {
    const r = await runProbe('auto', { binary: true });
    expect(r).toMatchObject({ engine: 'uws', status: 200 });
    expect(r.log).toHaveLength(1);
    expect(r.log![0]).toMatchObject({ engine: 'uws', reason: expect.stringContaining('native binary loaded') });
  }, 60_000);

  it('auto falls back to node (never the uWS JS shim) when the binary cannot load, naming the ABI and glibc', async () => {
    const r = await runProbe('auto', { binary: false });
    expect(r).toMatchObject({ engine: 'node', status: 200 });
    expect(r.log).toHaveLength(1);
    expect(r.log![0]!.reason).toContain(`ABI ${process.versions.modules}`);
    expect(r.log![0]!.reason).toMatch(/glibc/);
    expect(r.log![0]!.msg).toMatch(/^http engine: node \(auto: /);
  }, 60_000);

  it('engine "uws" without a loadable binary fails with a typed error saying what to do', async () => {
    const r = await runProbe('uws', { binary: false });
    expect(r.error?.code).toBe('ODY_HTTP_ENGINE_UNAVAILABLE');
    expect(r.error?.message).toContain(`ABI ${process.versions.modules}`);
    expect(r.error?.message).toMatch(/glibc/);
    expect(r.error?.message).toMatch(/Node 20|http\.engine to "auto" or "node"/);
  }, 60_000);

  it('ODY_HTTP_ENGINE overrides the config, and an unknown value is a typed error', async () => {
    const r = await runProbe('uws', { binary: true, env: { ODY_HTTP_ENGINE: 'node' } });
    expect(r).toMatchObject({ engine: 'node', status: 200 });
    expect(r.log![0]!.reason).toContain('"node"');
    const bad = await runProbe('auto', { binary: true, env: { ODY_HTTP_ENGINE: 'fast' } });
    expect(bad.error).toMatchObject({ code: 'ODY_HTTP_ENGINE_UNAVAILABLE', message: expect.stringContaining("'fast'") });
  }, 60_000);
});
