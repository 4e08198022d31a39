import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveDefinition } from '../definition.js';
import { pipeLines } from './output.js';
import { decideRestart, NO_RESTARTS, type RestartDecision, type RestartHistory, type RestartRules } from './restart-policy.js';
import { formatStatusTable } from './status.js';

describe('decideRestart', () => {
  const rules: RestartRules = {
    restart: 'always',
    backoff: { type: 'exponential', delayMs: 100, factor: 2, maxDelayMs: 500 },
    backoffResetAfterMs: 1_000,
    maxRestarts: 100,
    restartWindowMs: 60_000,
  };
  const crash = (uptimeMs: number, now: number) => ({ code: 1, signal: null, uptimeMs, now, stopRequested: false, respawnRequested: false });

  /** Feed exits one after another, threading the history. */
  function run(exits: ReturnType<typeof crash>[], r: RestartRules = rules): RestartDecision[] {
    let history: RestartHistory = NO_RESTARTS;
    return exits.map((facts) => {
      const out = decideRestart(facts, r, history);
      history = out.history;
      return out.decision;
    });
  }
  const delays = (ds: RestartDecision[]) => ds.map((d) => (d.action === 'restart' ? d.delayMs : d.action));

  it('grows the delay exponentially up to maxDelayMs and resets after a long run', () => {
    expect(delays(run([10, 10, 10, 10, 10].map((up, i) => crash(up, i))))).toEqual([100, 200, 400, 500, 500]);
    expect(delays(run([crash(10, 0), crash(10, 1), crash(5_000, 10)]))).toEqual([100, 200, 100]);
  });

  it('gives up after maxRestarts within the window, and forgets restarts outside it', () => {
    const r = { ...rules, maxRestarts: 2, restartWindowMs: 1_000 };
    expect(delays(run([crash(0, 0), crash(0, 10), crash(0, 20)], r))).toEqual([100, 200, 'errored']);
    expect(delays(run([crash(0, 0), crash(0, 10), crash(0, 5_000)], r))).toEqual([100, 200, 400]);
  });

  it('follows the policy: never, on-failure, stop and respawn requests', () => {
    const clean = { ...crash(10, 0), code: 0 };
    expect(decideRestart(clean, { ...rules, restart: 'on-failure' }, NO_RESTARTS).decision).toEqual({ action: 'exited', failed: false });
    expect(decideRestart(crash(10, 0), { ...rules, restart: 'on-failure' }, NO_RESTARTS).decision).toEqual({ action: 'restart', delayMs: 100 });
    expect(decideRestart(clean, rules, NO_RESTARTS).decision).toEqual({ action: 'restart', delayMs: 100 });
    expect(decideRestart(crash(10, 0), { ...rules, restart: 'never' }, NO_RESTARTS).decision).toEqual({ action: 'exited', failed: true });
    expect(decideRestart({ ...crash(10, 0), signal: 'SIGKILL', code: null }, { ...rules, restart: 'never' }, NO_RESTARTS).decision).toEqual({ action: 'exited', failed: true });
    expect(decideRestart({ ...crash(10, 0), stopRequested: true, respawnRequested: true }, rules, NO_RESTARTS).decision).toEqual({ action: 'stopped' });
    const respawn = decideRestart({ ...crash(10, 0), respawnRequested: true }, rules, NO_RESTARTS);
    expect(respawn).toEqual({ decision: { action: 'respawn' }, history: NO_RESTARTS });
  });

  it('never mutates the history it is given', () => {
    const history: RestartHistory = { streak: 1, recent: [0] };
    decideRestart(crash(10, 5), rules, history);
    expect(history).toEqual({ streak: 1, recent: [0] });
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
