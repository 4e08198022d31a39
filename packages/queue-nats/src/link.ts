import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager, type PubAck } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import type { ConnectionEmitter } from './connection.js';
import { QueueError } from '@ody/queue';
import { QueueNatsError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { Puller } from './pull.js';
import { Replies } from './replies.js';
import { serverError } from './state.js';

/** Everything the driver talks through, once connected. */
export interface Link {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kv: KV;
  puller: Puller;
  replies: Replies;
}

/** Connect (retrying every 250 ms until `isClosed()`), then bind JetStream and the meta KV bucket. */
export async function openLink(o: ResolvedOptions, events: ConnectionEmitter, isClosed: () => boolean): Promise<Link> {
  let nc: NatsConnection | undefined;
  for (let attempt = 0; nc === undefined; attempt++) {
    if (isClosed()) throw closedError();
    try {
      nc = await connect({
        servers: o.servers, name: 'ody-queue-nats', maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 5_000, maxPingOut: 2, noEcho: true,
        // No stack captured per request (the client's documented speed setting for request/reply and JetStream publish).
        noAsyncTraces: true,
        ...o.connection,
      });
    } catch (err) {
      if (attempt === 0 || attempt % 40 === 0) {
        events.emit('error', new QueueNatsError('ODY_QUEUE_NATS_CONNECTION', `Cannot connect to NATS at ${o.servers.join(', ')}: ${(err as Error).message}. The driver keeps trying; start nats-server -js or set servers / NATS_URL.`, { cause: err, details: { servers: o.servers } }));
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  if (isClosed()) {
    await nc.close();
    throw closedError();
  }
  watchStatus(nc, events);
  try {
    const js = jetstream(nc, { timeout: o.requestTimeoutMs });
    const jsm = await jetstreamManager(nc, { timeout: o.requestTimeoutMs });
    const kv = await new Kvm(js).create(`${o.prefix}_meta`, { history: 1, storage: o.storage === 'memory' ? 'memory' : 'file', replicas: o.replicas } as never);
    return { nc, js, jsm, kv, puller: new Puller(nc, Math.min(o.requestTimeoutMs, 2_000)), replies: new Replies(nc) };
  } catch (err) {
    await nc.close().catch(() => {});
    throw serverError(err, 'open JetStream (is nats-server running with -js?)');
  }
}

function watchStatus(nc: NatsConnection, events: ConnectionEmitter): void {
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        events.emit('error', new QueueNatsError('ODY_QUEUE_NATS_CONNECTION', `NATS connection to ${s.server} dropped. The client reconnects; claims and pushes wait meanwhile.`, { details: { server: s.server } }));
      } else if (s.type === 'reconnecting') {
        events.emit('reconnecting');
      } else if (s.type === 'reconnect') {
        events.emit('ready');
      }
    }
  })().catch(() => {});
}

/** ODY_QUEUE_CLOSED, the contract code every driver raises after close(). */
export function closedError(): QueueError {
  return new QueueError('ODY_QUEUE_CLOSED', 'The NATS queue driver is closed; create a new one.');
}

/** Errors a retry can fix (connection, timeout, JetStream briefly unavailable) — not a refused request. */
function transient(err: unknown): boolean {
  const m = `${(err as Error)?.name ?? ''} ${(err as Error)?.message ?? ''}`;
  return !/maximum payload|permission|invalid|wrong last|expected/i.test(m);
}

/**
 * Publish and wait for the JetStream PubAck; on connection loss or timeout retry (same Nats-Msg-Id,
 * so the server stores it once within the duplicate window) until `deadline`, then ODY_QUEUE_NATS_PUSH_TIMEOUT.
 */
export async function publishConfirmed(
  link: Link, o: ResolvedOptions, subject: string, data: Uint8Array, msgID: string, headers: MsgHdrs, deadline: number, isClosed: () => boolean,
): Promise<PubAck> {
  for (let attempt = 0; ; attempt++) {
    if (isClosed()) throw closedError();
    const left = deadline - Date.now();
    try {
      headers.set('Nats-Msg-Id', msgID);
      return pubAck(await link.replies.request(subject, data, Math.max(100, Math.min(o.requestTimeoutMs, left)), headers));
    } catch (err) {
      if (!transient(err)) throw serverError(err, `store a message on ${subject}`);
      if (Date.now() + 50 >= deadline) {
        throw new QueueNatsError(
          'ODY_QUEUE_NATS_PUSH_TIMEOUT',
          `No JetStream acknowledgement for a push to ${subject} within ${o.pushTimeoutMs} ms (last error: ${(err as Error).message}). The job may or may not be stored; pushing it again with the same jobId is safe.`,
          { cause: err, details: { subject, msgID } },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** Math.min(attempt, 4), Math.max(1, deadline - Date.now()))));
    }
  }
}

/** The PubAck in a JetStream publish reply (what `js.publish` returns), or the server's refusal as an error. */
function pubAck(msg: Msg): PubAck {
  let r: Partial<PubAck> & { error?: { code?: number; err_code?: number; description?: string } };
  try {
    r = JSON.parse(decoder.decode(msg.data));
  } catch {
    throw new Error(`invalid JetStream publish response: ${decoder.decode(msg.data).slice(0, 200)}`);
  }
  if (r.error !== undefined) throw new Error(`${r.error.description ?? 'JetStream error'} (code ${r.error.code ?? '?'}, err_code ${r.error.err_code ?? '?'})`);
  if (typeof r.stream !== 'string' || r.stream === '' || typeof r.seq !== 'number') throw new Error('invalid JetStream publish response (no stream/seq)');
  return { stream: r.stream, seq: r.seq, duplicate: r.duplicate === true, domain: r.domain ?? '' } as PubAck;
}

const decoder = new TextDecoder();

/** Ack and wait for the server's confirmation, retrying within `deadline`; false when it never came. */
export async function ackConfirmed(link: Link, o: ResolvedOptions, reply: string, deadline: number): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await link.replies.request(reply, '+ACK', Math.max(100, Math.min(o.requestTimeoutMs, deadline - Date.now())));
      return true;
    } catch {
      if (Date.now() + 50 >= deadline || link.nc.isClosed()) return false;
      await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** Math.min(attempt, 4), 1000)));
    }
  }
}

/** The link once connected; past `deadline` ODY_QUEUE_NATS_PUSH_TIMEOUT for a push, ODY_QUEUE_NATS_CONNECTION otherwise. */
export async function awaitLink(link: Promise<Link>, o: ResolvedOptions, deadline: number, forPush: boolean): Promise<Link> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      link,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const where = o.servers.join(', ');
          reject(
            forPush
              ? new QueueNatsError('ODY_QUEUE_NATS_PUSH_TIMEOUT', `Push not stored: not connected to NATS at ${where} within ${o.pushTimeoutMs} ms. Is nats-server running?`, { details: { servers: o.servers } })
              : new QueueNatsError('ODY_QUEUE_NATS_CONNECTION', `Not connected to NATS at ${where} within ${o.pushTimeoutMs} ms; the driver keeps trying.`, { details: { servers: o.servers } }),
          );
        }, Math.max(0, deadline - Date.now()));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
