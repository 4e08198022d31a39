import type { FailedJobRecord, ListOptions } from '@ody/queue';
import { toFailedRecord } from './envelope.js';
import type { Link } from './link.js';
import { idToken } from './names.js';
import { serverError, type QueueState } from './state.js';

/** A failed record with its stream sequence. */
export interface StoredFailed {
  seq: number;
  record: FailedJobRecord;
}

/** The failed subject of job `id`. */
export function failedSubject(t: QueueState, id: string): string {
  return `${t.names.base}.f.${idToken(id)}`;
}

/** One failed record by id (the last message on its subject). */
export async function getFailed(link: Link, t: QueueState, id: string): Promise<StoredFailed | undefined> {
  try {
    const m = await link.jsm.streams.getMessage(t.names.failedStream, { last_by_subj: failedSubject(t, id) });
    if (m === null) return undefined;
    return { seq: m.seq, record: toFailedRecord(m.header, m.data, id) };
  } catch (err) {
    if (/no message found|not found/i.test((err as Error).message)) return undefined;
    throw serverError(err, 'read the failed store');
  }
}

/** Failed records oldest first (stream order), paging with next-by-subject reads. */
export async function listFailed(link: Link, t: QueueState, o: ListOptions = {}): Promise<StoredFailed[]> {
  let skip = o.offset ?? 0;
  const limit = o.limit ?? 100;
  const out: StoredFailed[] = [];
  let seq = 1;
  while (out.length < limit) {
    let m: Awaited<ReturnType<Link['jsm']['streams']['getMessage']>>;
    try {
      m = await link.jsm.direct.getMessage(t.names.failedStream, { seq, next_by_subj: t.names.failedAll });
    } catch (err) {
      if (/no message found|not found/i.test((err as Error).message)) break;
      throw serverError(err, 'list the failed store');
    }
    if (m === null) break;
    seq = m.seq + 1;
    if (skip > 0) {
      skip--;
      continue;
    }
    out.push({ seq: m.seq, record: toFailedRecord(m.header, m.data, `seq-${m.seq}`) });
  }
  return out;
}

/** Remove failed records (all when ids is undefined); returns how many went. */
export async function purgeFailed(link: Link, t: QueueState, ids?: readonly string[]): Promise<number> {
  try {
    if (ids === undefined) return (await link.jsm.streams.purge(t.names.failedStream)).purged;
    let total = 0;
    for (const id of ids) total += (await link.jsm.streams.purge(t.names.failedStream, { filter: failedSubject(t, id) })).purged;
    return total;
  } catch (err) {
    throw serverError(err, 'purge the failed store');
  }
}
