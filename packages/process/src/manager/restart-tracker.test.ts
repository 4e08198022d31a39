import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveDefinition } from '../definition.js';
import { pipeLines } from './output.js';
import { RestartTracker } from './restart-tracker.js';
import { formatStatusTable } from './status.js';

describe('RestartTracker', () => {
  const backoff = { initialMs: 100, factor: 2, maxMs: 500, resetAfterMs: 1_000 };

  it('grows the delay exponentially up to maxMs and resets after a long run', () => {
    const t = new RestartTracker(backoff, 100, 60_000);
    expect([10, 10, 10, 10, 10].map((up, i) => t.next(up, i))).toEqual([100, 200, 400, 500, 500]);
    expect(t.next(5_000, 10)).toBe(100);
  });

  it('gives up after maxRestarts within the window, and forgets restarts outside it', () => {
    const t = new RestartTracker(backoff, 2, 1_000);
    expect(t.next(0, 0)).toBe(100);
    expect(t.next(0, 10)).toBe(200);
    expect(t.next(0, 20)).toBeUndefined();
    expect(t.next(0, 5_000)).toBe(400);
  });
});

describe('definitions, output and status', () => {
  it('fills defaults and resolves module paths', () => {
    const here = import.meta.dirname;
    const d = resolveDefinition({ name: 'w', module: 'output.ts', cwd: here });
    expect(d).toMatchObject({ module: `${here}/output.ts`, instances: 1, restart: 'always', stopSignal: 'SIGTERM', waitReady: true });
    expect(() => resolveDefinition({ name: 'gone', module: '/nonexistent/worker.js' })).toThrow(/does not exist/);
    expect(resolveDefinition({ name: 'c', command: 'sleep' }).waitReady).toBe(false);
    expect(() => resolveDefinition({ name: 'bad', command: 'x', stopSignal: 'TERM' as NodeJS.Signals, instances: 1.5 })).toThrow(/stopSignal.*instances|instances.*stopSignal/);
  });

  it('splits output into prefixed lines, across chunks, flushing the last partial line', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    const file = { write: (s: string) => lines.push(s) } as never;
    pipeLines(stream, '[w#0]', 'stdout', { file }, {});
    stream.write('one\ntw');
    stream.write('o\r\nthree');
    stream.end();
    await new Promise((r) => stream.on('end', r));
    expect(lines).toEqual(['[w#0] one\n', '[w#0] two\n', '[w#0] three\n']);
  });

  it('formats an aligned status table', () => {
    const table = formatStatusTable([
      { name: 'web', instance: 0, pid: 42, state: 'ready', restarts: 1, uptimeMs: 1500, memoryMb: 30.5, lastExitCode: 1, lastExitSignal: null },
      { name: 'web', instance: 1, pid: undefined, state: 'stopped', restarts: 0, uptimeMs: 0, memoryMb: undefined, lastExitCode: null, lastExitSignal: 'SIGTERM' },
    ]);
    expect(table.split('\n')).toEqual([
      'name  inst  pid  state    restarts  uptime  memory   last exit',
      'web   0     42   ready    1         1.5s    30.5 MB  code 1',
      'web   1     -    stopped  0         -       -        signal SIGTERM',
    ]);
  });
});
