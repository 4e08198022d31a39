import { isMainThread, threadId } from 'node:worker_threads';

/** Which thread an Application lives in; packages build one Application per worker thread. */
export interface WorkerInfo {
  /** worker_threads threadId (0 on the main thread). */
  readonly id: number;
  readonly isMain: boolean;
}

/** The WorkerInfo of the calling thread. */
export function currentWorker(): WorkerInfo {
  return { id: threadId, isMain: isMainThread };
}
