import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/index.js';

const probe = fileURLToPath(new URL('./fixtures/engine-probe.ts', import.meta.url));

function runProbe(env: Record<string, string>): Promise<{ engine: string; warning: Record<string, unknown> | null; status: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', probe], { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout) => {
      if (err) return reject(err);
      const line = stdout.split('\n').find((l) => l.startsWith('{"engine"'));
      if (!line) return reject(new Error(`no probe output: ${stdout}`));
      resolve(JSON.parse(line));
    });
  });
}

describe('engine detection', () => {
  it('reports the native binary in this process', () => {
    expect(loadEngine().engine).toBe('native');
  });

  it('detects the JS fallback shim in a child process and warns loudly with the reason', async () => {
    const fallback = await runProbe({ UWS_USE_FALLBACK: '1' });
    expect(fallback.engine).toBe('fallback');
    expect(fallback.warning).toMatchObject({ engine: 'fallback', loadError: expect.stringContaining('UWS_USE_FALLBACK') });
    expect(fallback.status).toBe(200);
    const native = await runProbe({ UWS_USE_FALLBACK: '' });
    expect(native.engine).toBe('native');
    expect(native.warning).toBeNull();
  }, 60_000);
});
