/** The four pools the task suite compares, each running the same spin(us) task on 2 threads. */
import { createTaskPool } from '@ody/task';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';

const here = (file: string) => new URL(`./${file}`, import.meta.url);

/** A pool that runs spin(us) and can be closed. */
export interface Peer {
  spin(us: number): Promise<unknown>;
  close(): Promise<void>;
}

export const THREADS = 2;
/** Piscina's documented knob for keeping workers fed: tasks queued to a worker at once. */
export const PISCINA_TUNED_CONCURRENCY = 16;

export type PeerName = 'ody-task' | 'piscina-default' | 'piscina-tuned' | 'tinypool';

/** Build one peer by name. */
export function makePeer(name: PeerName): Peer {
  const threads = { minThreads: THREADS, maxThreads: THREADS };
  switch (name) {
    case 'ody-task': {
      const pool = createTaskPool({ modules: [here('ody-tasks.mjs')], ...threads });
      return { spin: (us) => pool.run('spin', us), close: () => pool.close() };
    }
    case 'piscina-default':
    case 'piscina-tuned': {
      const pool = new Piscina({
        filename: here('pool-spin.mjs').href,
        ...threads,
        ...(name === 'piscina-tuned' ? { concurrentTasksPerWorker: PISCINA_TUNED_CONCURRENCY } : {}),
      });
      return { spin: (us) => pool.run(us), close: () => pool.destroy() };
    }
    case 'tinypool': {
      const pool = new Tinypool({ filename: here('pool-spin.mjs').href, ...threads });
      return { spin: (us) => pool.run(us), close: () => pool.destroy() };
    }
  }
}

/** Tasks per second for `total` tasks with `inFlight` submitted at any time. */
export async function throughput(total: number, inFlight: number, submit: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    while (next++ < total) await submit();
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Round-trip times (ms) of `n` tasks run one after the other (one in flight). */
export async function roundTrips(n: number, submit: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await submit();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}
