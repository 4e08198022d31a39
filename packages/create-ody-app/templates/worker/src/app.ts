import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type Application, createApplication } from '@ody/core';
import { processPlugin } from '@ody/process';
import { queuePlugin } from '@ody/queue';
import { taskPlugin } from '@ody/task';
import { jobsPlugin } from './jobs.js';

const here = import.meta.url;
const fromSource = here.endsWith('.ts');
/** From source, child processes load TypeScript through tsx (resolved here, so any cwd works). */
const tsxLoader = () => pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const sibling = (name: string) => new URL(`./${name}${fromSource ? '.ts' : '.js'}`, here);

/** Options the tests turn off (the clock process) or point elsewhere (the queue folder). */
export interface AppOptions {
  config?: Record<string, unknown>;
  clock?: boolean;
}

/** Builds the worker service: queue (filesystem), task pool, supervised clock process. */
export function createApp(options: AppOptions = {}): Promise<Application> {
  return createApplication({
    config: { app: { name: '{{name}}' }, queue: { driver: 'filesystem', dir: 'var/queue', concurrency: 4 }, ...options.config },
    plugins: [
      queuePlugin(),
      taskPlugin({ modules: [sibling('tasks')], minThreads: 1, maxThreads: 2 }),
      ...(options.clock === false
        ? []
        : [
            processPlugin({
              processes: [
                {
                  name: 'clock',
                  module: sibling('clock'),
                  execArgv: fromSource ? ['--import', tsxLoader()] : [],
                  restart: 'always',
                  backoff: { type: 'exponential', delayMs: 200, factor: 2, maxDelayMs: 10_000 },
                  backoffResetAfterMs: 30_000,
                },
              ],
            }),
          ]),
      jobsPlugin(),
      /* ody:plugins */
    ],
  });
}
