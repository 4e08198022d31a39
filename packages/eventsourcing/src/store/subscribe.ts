import type { EventFilter, EventStore, RecordedEvent } from './types.js';

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /** Deliver events after this global position (a checkpoint; default 0 = from the start). */
  from?: number;
  filter?: EventFilter;
  /** Events per read (default 500). */
  batchSize?: number;
  /** Poll for other processes' appends this often (default 500 ms); local appends wake it at once. */
  pollMs?: number;
  /** Ends the subscription (the iterator returns). */
  signal?: AbortSignal;
}

/**
 * Events in global order after `from`, live: catches up, then waits for new commits. Gap-free because
 * `readAll` is; at least once across restarts if you store the last position you handled and pass it
 * as `from`. For checkpoints, batching, retries and dead letters use a ProjectionRunner.
 * @example
 * for await (const e of subscribe(store, { from: checkpoint, filter: { types: ['OrderPlaced'] }, signal })) handle(e);
 */
export async function* subscribe(store: EventStore, options: SubscribeOptions = {}): AsyncGenerator<RecordedEvent> {
  let position = options.from ?? 0;
  const aborted = (): boolean => options.signal?.aborted === true;
  let wake: (() => void) | undefined;
  const off = store.onAppended(() => wake?.());
  const onAbort = () => wake?.();
  options.signal?.addEventListener('abort', onAbort);
  try {
    while (!aborted()) {
      const page = await store.readAll({ fromPosition: position + 1, limit: options.batchSize ?? 500, filter: options.filter });
      for (const e of page) {
        if (aborted()) return;
        position = e.globalPosition;
        yield e;
      }
      if (page.length > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.pollMs ?? 500);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    off();
    options.signal?.removeEventListener('abort', onAbort);
  }
}
