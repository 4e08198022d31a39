import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createProcessManager, type ProcessManager } from '@ody/process';
import { alternate, percentile, ratioEntries, spreadOf } from '../measure.js';
import type { Row, Suite } from '../types.js';

const here = (file: string) => fileURLToPath(new URL(`./process/${file}`, import.meta.url));

/** A supervised defineProcess child, restarted with no backoff. */
async function supervised(rounds: number): Promise<ProcessManager> {
  const pm = createProcessManager({
    processes: [
      {
        name: 'bench',
        module: here('child.mjs'),
        backoff: 0,
        backoffResetAfterMs: 0,
        maxRestarts: rounds + 10,
        output: { logger: false },
      },
    ],
  });
  await pm.start();
  return pm;
}

/** SIGKILL the child, then time until its replacement reports ready. */
async function crashToReady(pm: ProcessManager): Promise<number> {
  const pid = pm.status()[0]!.pid!;
  const ready = new Promise<void>((resolve) => {
    const off = pm.on('ready', () => {
      off();
      resolve();
    });
  });
  const started = performance.now();
  process.kill(pid, 'SIGKILL');
  await ready;
  return performance.now() - started;
}

/** Baseline: a bare fork() until its first IPC message (no supervisor, no crash detection). */
async function rawForkToReady(): Promise<number> {
  const started = performance.now();
  const child = fork(here('raw-child.mjs'), [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  await new Promise((resolve) => child.once('message', resolve));
  const ms = performance.now() - started;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

/** Manager CPU (% of one core) while supervising `count` idle processes for `ms`. */
async function idleCpu(count: number, ms: number): Promise<number> {
  const pm = createProcessManager({
    processes: [{ name: 'idle', command: 'sleep', args: ['600'], instances: count, output: { logger: false } }],
  });
  await pm.start();
  await new Promise((r) => setTimeout(r, 500));
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  await pm.close();
  return ((used.user + used.system) / 1000 / wall) * 100;
}

const suite: Suite = {
  name: 'process',
  async run({ quick }) {
    const rounds = quick ? 20 : 60;
    const pm = await supervised(rounds);
    const samples = await alternate(rounds, { ody: () => crashToReady(pm), raw: rawForkToReady });
    await pm.close();
    const { ody, raw } = samples;
    const cpu = await idleCpu(50, quick ? 5_000 : 15_000);
    const rows: Row[] = [
      { name: 'ody crash→replacement ready p50', metric: 'ms', value: percentile(ody, 50) },
      { name: 'ody crash→replacement ready p99', metric: 'ms', value: percentile(ody, 99) },
      { name: 'bare fork→ready p50 (floor)', metric: 'ms', value: percentile(raw, 50) },
      { name: 'bare fork→ready p99 (floor)', metric: 'ms', value: percentile(raw, 99) },
      { name: 'manager CPU idle, 50 processes', metric: '% of one core', value: cpu },
    ];
    // Spread: the p50 ratio over 5 consecutive blocks of rounds (one crash is one sample, too noisy alone).
    const blocks = 5;
    const size = Math.ceil(rounds / blocks);
    const perBlock = Array.from({ length: blocks }, (_, b) => {
      const slice = (xs: number[]) => xs.slice(b * size, (b + 1) * size);
      return percentile(slice(ody), 50) / percentile(slice(raw), 50);
    });
    return {
      rows,
      ...ratioEntries({ 'ody-crash-to-ready/bare-fork-p50': spreadOf(perBlock) }),
      notes: [
        `${rounds} SIGKILLs of a defineProcess child (backoff 0); time from kill to the replacement's ctx.ready()`,
        'alternating rounds; floor: fork() of a bare module until its first IPC message, no supervisor (the cost of starting Node)',
        `ratio: Ody p50 / floor p50 (a cost: lower is better, 1.0 = no overhead), median and min–max over ${blocks} consecutive blocks of ${size} rounds`,
        `idle: 50 supervised \`sleep\` processes, no memory polling, manager CPU over ${quick ? 5 : 15} s`,
      ],
    };
  },
};

export default suite;
