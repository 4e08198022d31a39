import type { Application } from '@ody/core';
import { taskPlugin, taskPoolOf } from '@ody/task';
import type exampleTasks from './tasks.js';

const here = import.meta.url;

/** The example's task module: src/task/tasks.ts from source, dist/task/tasks.js when built. */
export const exampleTaskModule = here.endsWith('.ts') ? new URL('./tasks.ts', here) : new URL('./task/tasks.js', here);

/** taskPlugin with the example's CPU-bound tasks on up to two threads. */
export const exampleTaskPlugin = () => taskPlugin({ modules: [exampleTaskModule], minThreads: 1, maxThreads: 2 });

/** The app's task pool typed by the example's task module (names, payloads and results checked). */
export const ExampleTasks = taskPoolOf<typeof exampleTasks>();

/** Count primes below `limit` on the task pool instead of the event loop. */
export function countPrimesOffThread(app: Pick<Application, 'get'>, limit: number): Promise<number> {
  return app.get(ExampleTasks).run('countPrimes', limit, { timeoutMs: 30_000 });
}
