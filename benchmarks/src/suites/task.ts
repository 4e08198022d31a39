import { createTaskPool } from '@ody/task';
import { Piscina } from 'piscina';
import { alternate, median } from '../measure.js';
import type { Row, Suite } from '../types.js';

const here = (file: string) => new URL(`./task/${file}`, import.meta.url);

interface Peer {
  add(a: number, b: number): Promise<number>;
  fib(n: number): Promise<number>;
  close(): Promise<void>;
}

function odyPeer(threads: number): Peer {
  const pool = createTaskPool({ modules: [here('ody-tasks.mjs')], minThreads: threads, maxThreads: threads });
  return {
    add: (a, b) => pool.run('add', { a, b }) as Promise<number>,
    fib: (n) => pool.run('fib', n) as Promise<number>,
    close: () => pool.close(),
  };
}

function piscinaPeer(threads: number): Peer {
  const add = new Piscina({ filename: here('piscina-add.mjs').href, minThreads: threads, maxThreads: threads });
  const fib = new Piscina({ filename: here('piscina-fib.mjs').href, minThreads: threads, maxThreads: threads });
  return {
    add: (a, b) => add.run({ a, b }),
    fib: (n) => fib.run(n),
    close: async () => {
      await add.destroy();
      await fib.destroy();
    },
  };
}

/** Tasks per second for `total` tasks submitted in waves of `inFlight`. */
async function throughput(total: number, inFlight: number, submit: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    while (next < total) await submit(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Tasks per second for `total` tasks submitted in bursts of `burst` (Promise.all per burst). */
async function bursts(total: number, burst: number, submit: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let done = 0; done < total; done += burst) {
    const wave: Promise<unknown>[] = [];
    for (let i = 0; i < burst; i++) wave.push(submit(done + i));
    await Promise.all(wave);
  }
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function warm(peer: Peer): Promise<void> {
  await throughput(2_000, 256, (i) => peer.add(i, 1));
  await peer.fib(20);
}

const suite: Suite = {
  name: 'task',
  async run({ quick }) {
    const rows: Row[] = [];
    const rounds = quick ? 5 : 10;
    const total = quick ? 40_000 : 100_000;
    const inFlight = 512;
    const peers = { 'ody-task': odyPeer(2), piscina: piscinaPeer(2) };
    await warm(peers['ody-task']);
    await warm(peers.piscina);
    const trivial = await alternate(rounds, {
      'ody-task': () => throughput(total, inFlight, (i) => peers['ody-task'].add(i, 1)),
      piscina: () => throughput(total, inFlight, (i) => peers.piscina.add(i, 1)),
    });
    for (const [name, samples] of Object.entries(trivial)) rows.push({ name: `${name} add (2 threads)`, metric: 'tasks/s', value: Math.round(median(samples)) });
    const burst = await alternate(rounds, {
      'ody-task': () => bursts(total, 1_000, (i) => peers['ody-task'].add(i, 1)),
      piscina: () => bursts(total, 1_000, (i) => peers.piscina.add(i, 1)),
    });
    for (const [name, samples] of Object.entries(burst)) rows.push({ name: `${name} add, bursts of 1000 (2 threads)`, metric: 'tasks/s', value: Math.round(median(samples)) });
    const fibN = 25;
    const fibTotal = quick ? 200 : 400;
    const cpu = await alternate(quick ? 3 : 5, {
      'ody-task': () => throughput(fibTotal, 16, () => peers['ody-task'].fib(fibN)),
      piscina: () => throughput(fibTotal, 16, () => peers.piscina.fib(fibN)),
    });
    for (const [name, samples] of Object.entries(cpu)) rows.push({ name: `${name} fib(${fibN}) (2 threads)`, metric: 'tasks/s', value: Math.round(median(samples)) });
    await peers['ody-task'].close();
    await peers.piscina.close();
    const one = odyPeer(1);
    await warm(one);
    const single = await alternate(quick ? 3 : 5, { 'ody-task-1': () => throughput(fibTotal, 16, () => one.fib(fibN)) });
    await one.close();
    const oneThread = median(single['ody-task-1']);
    rows.push({ name: `ody-task fib(${fibN}) (1 thread)`, metric: 'tasks/s', value: Math.round(oneThread) });
    return {
      rows,
      ratios: {
        'ody-task/piscina': median(trivial['ody-task']) / median(trivial.piscina),
        'ody-task/piscina (bursts)': median(burst['ody-task']) / median(burst.piscina),
        'ody-task-cpu/piscina-cpu': median(cpu['ody-task']) / median(cpu.piscina),
        'ody-task-2-threads/1-thread (fib)': median(cpu['ody-task']) / oneThread,
      },
      notes: [
        `trivial: ${total} add tasks per round, ${inFlight} in flight (or bursts of 1000 awaited together), ${rounds} alternating rounds, median`,
        `cpu: ${fibTotal} fib(${fibN}) tasks, 16 in flight; scaling = 2 threads vs 1 thread`,
        'each peer uses its defaults otherwise (ody-task batches tasks per message; piscina posts one per task)',
      ],
    };
  },
};

export default suite;
