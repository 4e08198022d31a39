import type { EventStore, ReadAllOptions, ReadOptions, RecordedEvent } from './types.js';

/**
 * Iterate one stream page by page (`pageSize` events per read), forward or backward.
 * @example
 * for await (const e of iterateStream(store, 'order-1')) state = evolve(state, e);
 */
export async function* iterateStream(store: EventStore, stream: string, options: ReadOptions & { pageSize?: number } = {}): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? 500;
  const backward = options.direction === 'backward';
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let from = options.from;
  while (remaining > 0) {
    const page = await store.read(stream, { ...options, from, limit: Math.min(pageSize, remaining) });
    for (const e of page) yield e;
    remaining -= page.length;
    if (page.length < Math.min(pageSize, remaining + page.length)) return;
    const last = page[page.length - 1]!.streamPosition;
    from = backward ? last - 1 : last + 1;
    if (backward && from < 1) return;
  }
}

/** Iterate the global log page by page from `fromPosition`. */
export async function* iterateAll(store: EventStore, options: ReadAllOptions & { pageSize?: number } = {}): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? 1000;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let from = options.fromPosition ?? 1;
  while (remaining > 0) {
    const want = Math.min(pageSize, remaining);
    const page = await store.readAll({ ...options, fromPosition: from, limit: want });
    for (const e of page) yield e;
    remaining -= page.length;
    if (page.length < want) return;
    from = page[page.length - 1]!.globalPosition + 1;
  }
}
