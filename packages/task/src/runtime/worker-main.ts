/**
 * Entry of every pool thread (internal). Runs batches synchronously where it can: one postMessage in,
 * one postMessage out per batch; async tasks report in a coalesced flush when they settle.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import {
  DISPATCH_STRIDE,
  type ReadyMessage,
  type RetryPolicy,
  STATUS_ERROR,
  STATUS_OK,
  type StartFailedMessage,
  serializeError,
  type ThreadData,
} from '../protocol.js';
import { TASK_INSTRUMENTATION, type TaskInstrumentation } from '../instrumentation.js';
import { type LoadedTask, loadModules } from './load-modules.js';

const port = parentPort!;
const { modules, current } = (workerData as ThreadData).odyTask;
let tasks: Map<string, LoadedTask>;
let out: unknown[] = [];
let flushScheduled = false;

function notFound(name: string) {
  const known = [...tasks.keys()].join(', ');
  return {
    name: 'TaskPoolError',
    message: `No task named '${name}' in the loaded modules (known: ${known || 'none'}). Check the name or the pool's modules.`,
    code: 'ODY_TASK_NOT_FOUND',
    details: { task: name },
  };
}

function flush(): void {
  flushScheduled = false;
  if (out.length === 0) return;
  const batch = out;
  out = [];
  try {
    port.postMessage(batch);
  } catch (cloneError) {
    // One result could not be cloned; send them one by one and fail only the culprit.
    for (let i = 0; i < batch.length; i += 4) {
      const one = batch.slice(i, i + 4);
      try {
        port.postMessage(one);
      } catch {
        const e = serializeError(cloneError);
        port.postMessage([one[0], STATUS_ERROR, { ...e, name: 'TaskPoolError', code: 'ODY_TASK_RESULT_NOT_CLONEABLE', message: `The task's result cannot be sent between threads: ${e.message}` }, one[3]]);
      }
    }
  }
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  queueMicrotask(flush);
}

type InstrumentationSlot = { [TASK_INSTRUMENTATION]?: TaskInstrumentation };

function runOne(id: number, name: string, payload: unknown, headers: Record<string, string> | undefined): void {
  const task = tasks.get(name);
  if (task === undefined) {
    out.push(id, STATUS_ERROR, notFound(name), 0);
    return;
  }
  current[0] = id;
  const started = performance.now();
  let result: unknown;
  try {
    const instrumentation = headers === undefined ? undefined : (globalThis as InstrumentationSlot)[TASK_INSTRUMENTATION];
    result =
      instrumentation?.run === undefined ? task.fn(payload, task.context) : instrumentation.run(name, headers!, () => task.fn(payload, task.context));
  } catch (error) {
    out.push(id, STATUS_ERROR, serializeError(error), performance.now() - started);
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(
      (value) => {
        out.push(id, STATUS_OK, value, performance.now() - started);
        scheduleFlush();
      },
      (error: unknown) => {
        out.push(id, STATUS_ERROR, serializeError(error), performance.now() - started);
        scheduleFlush();
      },
    );
    return;
  }
  out.push(id, STATUS_OK, result, performance.now() - started);
}

function onBatch(batch: unknown[]): void {
  for (let i = 0; i < batch.length; i += DISPATCH_STRIDE) {
    runOne(batch[i] as number, batch[i + 1] as string, batch[i + 2], batch[i + 3] as Record<string, string> | undefined);
  }
  flush();
}

async function main(): Promise<void> {
  try {
    tasks = await loadModules(modules);
    const meta: Record<string, RetryPolicy | null> = {};
    for (const [name, task] of tasks) meta[name] = task.retry;
    port.on('message', onBatch);
    port.postMessage({ t: 'ready', tasks: meta } satisfies ReadyMessage);
  } catch (error) {
    port.postMessage({ t: 'start-failed', error: serializeError(error) } satisfies StartFailedMessage);
  }
}

void main();
