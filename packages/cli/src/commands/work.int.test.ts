import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesystemDriver, Queue, type QueueDriver } from '@ody/queue';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ody, odyCommand, scaffoldApp } from '../testing/scaffolded.js';

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A long-running `ody queue:work` child whose stdout lines the test reads as they come. */
function startWork(cwd: string, args: string[]) {
  const child: ChildProcess = spawn(odyCommand[0]!, [...odyCommand.slice(1), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l !== ''));
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, exited };
}

// The app: a filesystem queue, and handlers for `mail` and `other` that record which process ran each job.
const workApp = `import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApplication, definePlugin } from '@ody/core';
import { Queues, queuePlugin } from '@ody/queue';
const done = process.env.TEST_DONE_DIR;
const jobs = definePlugin({
  name: 'jobs',
  dependsOn: ['queue'],
  register(ctx) {
    const queues = ctx.get(Queues);
    for (const name of ['mail', 'other']) {
      queues.process(name, async (job) => {
        mkdirSync(join(done, name), { recursive: true });
        // Written whole, then renamed: the test never reads a half-written pid (or one cut by SIGKILL).
        const tmp = join(done, '.' + name + '-' + job.id);
        writeFileSync(tmp, String(process.pid));
        renameSync(tmp, join(done, name, job.id));
      });
    }
  },
});
export const createApp = () => createApplication({ config: { queue: { driver: 'filesystem', dir: 'var/queue', durable: false } }, plugins: [queuePlugin(), jobs] });
`;

describe('ody queue:work', () => {
  let app: string;
  let driver: QueueDriver;
  let running: ReturnType<typeof startWork> | undefined;
  beforeAll(() => {
    app = scaffoldApp('cqrs', 'work', 'shop');
    writeFileSync(join(app, 'work-app.mjs'), workApp);
    process.env.TEST_DONE_DIR = join(app, 'done');
    mkdirSync(join(app, 'done'), { recursive: true });
    driver = filesystemDriver({ dir: join(app, 'var', 'queue'), durable: false });
  });
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
  });
  afterAll(async () => {
    await driver.close();
    delete process.env.TEST_DONE_DIR;
    rmSync(join(app, '..'), { recursive: true, force: true });
  });

  const doneOf = (queue: string) => (existsSync(join(app, 'done', queue)) ? readdirSync(join(app, 'done', queue)) : []);
  const pidsOf = (lines: string[]) => lines.filter((l) => l.startsWith('ready')).map((l) => Number(/pid (\d+)/.exec(l)?.[1]));

  it('works only the named queues in N supervised processes; a SIGKILLed worker is restarted and jobs still complete', async () => {
    const mail = new Queue('mail', { driver });
    const other = new Queue('other', { driver });
    const first: string[] = [];
    for (let i = 0; i < 10; i += 1) first.push((await mail.push('send', { i })).id);
    await other.push('skip', { i: 0 });

    running = startWork(app, ['queue:work', 'mail', '--processes', '2', '--concurrency', '2', '--app', 'work-app.mjs']);
    const r = running;
    await until(() => pidsOf(r.lines).length >= 2);
    expect(r.lines).toContainEqual('working    mail (2 processes)');
    await until(() => doneOf('mail').length === 10);
    expect(doneOf('mail').sort()).toEqual([...first].sort());
    const pids = pidsOf(r.lines);
    expect(new Set(pids).size).toBe(2);

    // Kill one worker process outright: the supervisor starts a new one.
    const victim = pids[0] as number;
    process.kill(victim, 'SIGKILL');
    await until(() => r.lines.some((l) => l.startsWith('exited') && l.includes(`pid ${victim} (SIGKILL)`)));
    await until(() => pidsOf(r.lines).length >= 3);
    const replacement = pidsOf(r.lines).at(-1) as number;
    expect(pids).not.toContain(replacement);

    const second: string[] = [];
    for (let i = 0; i < 10; i += 1) second.push((await mail.push('send', { i })).id);
    await until(() => doneOf('mail').length === 20);
    const ranBy = new Set(doneOf('mail').map((id) => Number(readFileSync(join(app, 'done', 'mail', id), 'utf8'))));
    // Every job ran in a worker the supervisor reported ready (the first two, the replacement, any later
    // restart). A worker takes jobs as soon as its app started, just before it reports ready (and a busy
    // machine can time a start out and restart it): wait for its line rather than reading the lines once.
    const unreported = () => [...ranBy].filter((pid) => !pidsOf(r.lines).includes(pid));
    await until(() => unreported().length === 0).catch(() => undefined); // the expect below says which pids
    expect(unreported()).toEqual([]);
    // `other` was not named: its job is still waiting.
    expect(doneOf('other')).toEqual([]);
    expect((await other.counts()).waiting).toBe(1);

    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect(r.lines.at(-1)).toBe('stopped (signal)');
  }, 120_000);

  it('--json prints one JSON object per event', async () => {
    running = startWork(app, ['--json', 'queue:work', 'other', '--app', 'work-app.mjs']);
    const r = running;
    await until(() => doneOf('other').length === 1);
    await until(() => r.lines.some((l) => l.includes('"working"')) && r.lines.some((l) => l.includes('"ready"')));
    const events = r.lines.map((l) => JSON.parse(l) as { event: string });
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['ready', 'working']));
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  }, 120_000);

  it('a queue the app has no worker for: one line, exit 1', async () => {
    running = startWork(app, ['queue:work', 'nobody', '--app', 'work-app.mjs']);
    expect(await running.exited).toBe(1);
    expect(running.stderr()).toContain("ody: the app has no worker for queue 'nobody'; it handles: mail, other.");
  }, 120_000);

  it('process:status shows the workers (restarts after a SIGKILL), --watch refreshes, a stopped supervisor disappears', async () => {
    type Status = { supervisors: Array<{ pid: number; command: string; processes: Array<{ name: string; instance: number; pid: number; state: string; restarts: number }> }> };
    const status = async (): Promise<Status> => {
      const out = await ody(app, ['--json', 'process:status']);
      expect(out.status, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as Status;
    };
    // A snapshot left by a supervisor that died without cleaning up is ignored (and removed).
    mkdirSync(join(app, 'var', 'ody', 'processes'), { recursive: true });
    writeFileSync(join(app, 'var', 'ody', 'processes', '999999.json'), JSON.stringify({ pid: 999_999, command: 'queue:work ghost', updatedAt: Date.now(), processes: [] }));

    running = startWork(app, ['queue:work', 'mail', '--processes', '2', '--app', 'work-app.mjs']);
    const r = running;
    await until(() => pidsOf(r.lines).length >= 2);
    await until(async () => (await status()).supervisors[0]?.processes.filter((p) => p.state === 'ready').length === 2);
    const before = await status();
    expect(before.supervisors).toHaveLength(1);
    expect(before.supervisors[0]).toMatchObject({ pid: r.child.pid, command: 'queue:work mail' });
    expect(before.supervisors[0]?.processes.map((p) => p.pid).sort()).toEqual(pidsOf(r.lines).sort());
    expect(existsSync(join(app, 'var', 'ody', 'processes', '999999.json'))).toBe(false);

    const victim = before.supervisors[0]?.processes.find((p) => p.instance === 1);
    process.kill(victim?.pid as number, 'SIGKILL');
    await until(async () => {
      const row = (await status()).supervisors[0]?.processes.find((p) => p.instance === 1);
      return row?.state === 'ready' && row.restarts === 1 && row.pid !== victim?.pid;
    });
    const table = await ody(app, ['process:status']);
    expect(table.stdout).toContain(`queue:work mail (supervisor pid ${r.child.pid})`);
    expect(table.stdout).toMatch(/queue-worker\s+1\s+\d+\s+ready\s+1\s/);

    const watch = startWork(app, ['--json', 'process:status', '--watch', '--interval', '100']);
    await until(() => watch.lines.length >= 3);
    for (const line of watch.lines) expect((JSON.parse(line) as Status).supervisors[0]?.processes).toHaveLength(2);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);

    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    expect((await status()).supervisors).toEqual([]);
    const none = await ody(app, ['process:status']);
    expect(none.stdout.trim()).toBe('no supervised processes running for this app');
    const bad = await ody(app, ['process:status', '--interval', '-5']);
    expect(bad.status).toBe(2);
  }, 120_000);

  it('bad arguments: one line, exit 2; --help exits 0', async () => {
    const processes = await ody(app, ['queue:work', 'mail', '--processes', '0']);
    expect(processes.status).toBe(2);
    expect(processes.stderr.trim()).toBe("ody: --processes must be a positive integer, got '0'.");
    const none = await ody(app, ['queue:work']);
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split('\n')[0]).toBe("error: missing required argument 'queue'");
    const help = await ody(app, ['queue:work', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: ody queue:work [options] <queue...>');
    expect(help.stdout).toContain('--processes <n>');
  }, 120_000);
});
