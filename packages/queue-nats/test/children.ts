import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

const fixtures = join(import.meta.dirname, 'fixtures');

/** Start a worker process (fixtures/worker-child.ts) and resolve once it is running. */
export function startWorkerChild(args: {
  url: string;
  prefix: string;
  queue: string;
  concurrency: number;
  leaseMs: number;
  handlerMs: number;
  tag: string;
}): Promise<ChildProcess> {
  const child = fork(
    join(fixtures, 'worker-child.ts'),
    [args.url, args.prefix, args.queue, String(args.concurrency), String(args.leaseMs), String(args.handlerMs), args.tag],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(fixtures, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker child ${args.tag} exited with ${code} before it was ready`)));
  });
}

/** Kill with `signal` and wait for the exit. */
export function killChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Graceful stop (SIGTERM → worker.close); resolves with the child's report, SIGKILL after 5 s. */
export function stopChild(child: ChildProcess): Promise<{ connectionErrors: number } | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let report: { connectionErrors: number } | undefined;
    child.on('message', (m) => {
      if (typeof m === 'object') report = m as { connectionErrors: number };
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(report);
    });
    child.kill('SIGTERM');
  });
}

/** One line the worker children wrote to the log stream. */
export interface LogLine {
  kind: 'run' | 'ack';
  id: string;
  attempt: number;
  stalls: number;
  tag: string;
  at: number;
  seq: number;
}

/** Create the `<prefix>_log` stream the children write to. */
export async function createLog(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: `${prefix}_log`, subjects: [`${prefix}.log.>`] });
  } finally {
    await nc.close();
  }
}

/** Every line of the log stream, in stream order. */
export async function readLog(url: string, prefix: string): Promise<LogLine[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = `${prefix}_log`;
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out: LogLine[] = [];
    for (let seq = 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m === null) continue;
      const parts = m.string().split(' ');
      if (parts[0] === 'run') {
        out.push({ kind: 'run', id: parts[1]!, attempt: Number(parts[2]), stalls: Number(parts[3]), tag: parts[4]!, at: Number(parts[5]), seq });
      } else {
        out.push({ kind: 'ack', id: parts[1]!, attempt: 0, stalls: 0, tag: parts[2]!, at: Number(parts[3]), seq });
      }
    }
    return out;
  } finally {
    await nc.close();
  }
}
