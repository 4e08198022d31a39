import { createProcessManager, type ProcessManager } from '@ody/process';
import type { Logger } from '@ody/core';
import { findAppFile } from '../app/load.js';
import type { Output } from '../output.js';
import type { Project } from '../project.js';
import type { WorkMessage, WorkSpec } from '../work/child-main.js';
import { publishStatus } from './process-status.js';

/** Options of `ody queue:work`. */
export interface WorkOptions {
  queues: string[];
  concurrency?: number;
  processes: number;
  app?: string;
}

const fromSource = import.meta.url.endsWith('.ts');
/** The worker module: beside the bundle in dist/, src/queue-worker.ts from source. */
const workerModule = new URL(fromSource ? '../queue-worker.ts' : './queue-worker.js', import.meta.url);

/** Child output and supervision notes go to stderr, so stdout stays for ody's own lines (or JSON). */
function stderrLogger(): Logger {
  const write = (_fields: unknown, message?: string) => {
    if (message !== undefined) process.stderr.write(`${message}\n`);
  };
  const logger = { info: write, warn: write, error: write, fatal: write, debug: () => undefined, trace: () => undefined, child: () => logger };
  return logger as unknown as Logger;
}

/**
 * `ody queue:work <queue…>`: `processes` worker processes supervised by @ody/process (restarted with
 * backoff when they crash), each running the app with only these queues' workers. Resolves with the
 * exit code once SIGINT/SIGTERM stopped them (0), or when the app cannot work a queue (1).
 */
export async function work(project: Project, options: WorkOptions, out: Output): Promise<number> {
  const app = findAppFile(project, options.app);
  const spec: WorkSpec = { root: project.root, app, queues: options.queues, ...(options.concurrency ? { concurrency: options.concurrency } : {}) };
  const manager: ProcessManager = createProcessManager({
    logger: stderrLogger(),
    processes: [
      {
        name: 'queue-worker',
        module: workerModule,
        args: [JSON.stringify(spec)],
        execArgv: fromSource ? process.execArgv : [],
        cwd: project.root,
        instances: options.processes,
        restart: 'always',
        backoff: { type: 'exponential', delayMs: 100, factor: 2, maxDelayMs: 5_000 },
      },
    ],
  });
  const event = (kind: string, fields: Record<string, unknown>, text: string) => (out.json ? out.line(JSON.stringify({ event: kind, ...fields })) : out.line(text));
  let resolveDone: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  const unpublish = publishStatus(project.root, `queue:work ${options.queues.join(' ')}`, manager);
  let closing = false;
  const finish = async (code: number) => {
    if (closing) return;
    closing = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await manager.close();
    unpublish();
    event('stopped', { code }, `stopped (${code === 0 ? 'signal' : 'error'})`);
    resolveDone(code);
  };
  const onSignal = () => void finish(0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  manager.on('ready', ({ instance, pid }) => event('ready', { instance, pid }, `ready      worker #${instance} pid ${pid}`));
  manager.on('exited', ({ instance, pid, code, signal }) => {
    if (!closing) event('exited', { instance, pid, code, signal }, `exited     worker #${instance} pid ${pid} (${signal ?? `code ${code}`}); restarting`);
  });
  manager.on('errored', ({ instance, restarts }) => {
    out.error(`ody: worker #${instance} crashed ${restarts} times in a row; giving up`);
    void finish(1);
  });
  manager.on('message', ({ instance, message }) => {
    const m = message as WorkMessage;
    if (m.type === 'working' && instance === 0) event('working', { queues: m.queues }, `working    ${m.queues.join(', ')} (${options.processes} process${options.processes === 1 ? '' : 'es'})`);
    if (m.type === 'unhandled') {
      out.error(`ody: the app has no worker for queue ${m.queues.map((q) => `'${q}'`).join(', ')}; it handles: ${m.handled.join(', ') || 'none'}.`);
      void finish(1);
    }
  });
  manager.start().catch((error: unknown) => {
    if (closing) return;
    out.error(`ody: workers did not start: ${error instanceof Error ? error.message : String(error)}`);
    void finish(1);
  });
  return done;
}
