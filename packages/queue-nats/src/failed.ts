import type { MsgHdrs } from '@nats-io/transport-node';
import type { FailedJobRecord, ListOptions, NewJob } from '@ody/queue';
import { newHeader, payloadBytes, toFailedRecord, toHeaders } from './envelope.js';
import type { Link } from './link.js';
import { idToken, levelToken } from './names.js';
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

/** The KV key of a live job id's dedupe marker. */
export function markerKey(t: QueueState, id: string): string {
  return `${t.names.kvBase}.id.${idToken(id)}`;
}

/** Publish a job (PubAck awaited, retried within the driver's bound). */
export type Publish = (subject: string, data: Uint8Array, msgID: string, headers: MsgHdrs) => Promise<unknown>;

/** Move failed jobs (all when ids is undefined) back to their ready level with attempts and stalls reset. */
export async function retryFailed(link: Link, t: QueueState, ids: readonly string[] | undefined, publish: Publish): Promise<number> {
  const found = ids === undefined
    ? await listFailed(link, t, { limit: Number.MAX_SAFE_INTEGER })
    : (await Promise.all(ids.map((id) => getFailed(link, t, id)))).filter((f) => f !== undefined);
  const tokens = new Set<string>();
  for (const { seq, record } of found) {
    const job: NewJob = {
      id: record.id, dedupe: record.dedupe, name: record.name, data: record.data ?? '', priority: record.priority, runAt: Date.now(),
      attempts: record.attempts, backoff: record.backoff, timeout: record.timeout, createdAt: record.createdAt,
    };
    if (record.meta !== undefined) job.meta = record.meta;
    if (job.dedupe) await t.kv.create(markerKey(t, job.id), '1').catch(() => {});
    await t.level(job.priority);
    await publish(`${t.names.base}.r.${levelToken(job.priority)}`, payloadBytes(job.data), `${job.id}:failed:${seq}`, toHeaders(newHeader(job)));
    tokens.add(levelToken(job.priority));
    await purgeFailed(link, t, [record.id]);
  }
  t.announce(tokens);
  return found.length;
}
