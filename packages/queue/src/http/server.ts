import { timingSafeEqual } from 'node:crypto';
import type { HttpContext, HttpRouter } from '@ody/http';
import type { PushOptions } from '../contract/job.js';
import type { Queue } from '../runtime/queue.js';
import { QueueHttpError } from './errors.js';
import { memorySeenStore, type SeenStore } from './seen.js';

/** One message as the forwarder sends it. */
export interface WireMessage {
  /** Stable id chosen by the sender; the server accepts each id once. */
  id: string;
  name: string;
  payload: unknown;
  options?: Pick<PushOptions, 'delayMs' | 'priority' | 'attempts' | 'backoff' | 'timeoutMs'>;
}

/** Options of the queue-server endpoint. */
export interface QueueServerOptions {
  /** Queue for a name in the URL; undefined → 404. */
  resolve(name: string): Queue | undefined;
  /** Accepted bearer tokens. */
  tokens: readonly string[];
  /** Route prefix; default '/queues' → POST /queues/:queue/messages. */
  path?: string;
  /** Largest request body; default 1 MiB. */
  maxBodyBytes?: number;
  /** Most messages per request; default 1000. */
  maxMessages?: number;
  /** Dedupe window of message ids; default in memory (use fileSeenStore to survive restarts). */
  seen?: SeenStore;
}

function bad(message: string, details: Record<string, unknown> = {}): QueueHttpError {
  return new QueueHttpError(400, 'ODY_QUEUE_HTTP_BAD_REQUEST', message, details);
}

function authorize(header: string | undefined, tokens: readonly Buffer[]): void {
  const given = header?.startsWith('Bearer ') ? Buffer.from(header.slice(7)) : undefined;
  const ok = given !== undefined && tokens.some((t) => t.length === given.length && timingSafeEqual(t, given));
  if (!ok) {
    throw new QueueHttpError(401, 'ODY_QUEUE_HTTP_UNAUTHORIZED', 'Missing or wrong bearer token for the queue server.', {}, { 'www-authenticate': 'Bearer' });
  }
}

function parseMessages(body: unknown, max: number): WireMessage[] {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) throw bad('Body must be JSON { "messages": [ { id, name, payload, options? } ] }.');
  if (messages.length === 0 || messages.length > max) throw bad(`messages must hold 1 to ${max} items, got ${messages.length}.`, { max });
  messages.forEach((m: Partial<WireMessage>, i) => {
    if (typeof m !== 'object' || m === null) throw bad(`messages[${i}] is not an object.`);
    if (typeof m.id !== 'string' || m.id === '' || m.id.length > 200) throw bad(`messages[${i}].id must be a string of 1-200 characters.`, { index: i });
    if (typeof m.name !== 'string' || m.name === '') throw bad(`messages[${i}].name must be a non-empty string.`, { index: i });
    if (m.options !== undefined && (typeof m.options !== 'object' || m.options === null)) throw bad(`messages[${i}].options must be an object.`, { index: i });
  });
  return messages as WireMessage[];
}

/**
 * Mount the store-and-forward endpoint: `POST <path>/:queue/messages` with a bearer token. Each message
 * is pushed with jobId = its id, then remembered in `seen`, so a resend (lost response, forwarder
 * retry) is acknowledged without a second job. Answers `{ accepted, duplicates }`.
 */
export function mountQueueServer(router: HttpRouter, options: QueueServerOptions): void {
  const tokens = options.tokens.map((t) => Buffer.from(t));
  if (tokens.length === 0) throw bad('queue server needs at least one bearer token.');
  const seen = options.seen ?? memorySeenStore();
  const max = options.maxMessages ?? 1000;
  const path = `${options.path ?? '/queues'}/:queue/messages`;
  const maxBytes = options.maxBodyBytes ?? 1024 * 1024;
  router.post(path, { maxBodyBytes: maxBytes }, async (ctx: HttpContext) => {
    authorize(ctx.headers.authorization, tokens);
    const name = (ctx.params as Record<string, string>).queue!;
    const queue = options.resolve(name);
    if (queue === undefined) throw new QueueHttpError(404, 'ODY_QUEUE_HTTP_BAD_REQUEST', `No queue '${name}' on this server.`, { queue: name });
    const tooLarge = (size: number) =>
      new QueueHttpError(413, 'ODY_QUEUE_HTTP_BAD_REQUEST', `Request body is ${size} bytes, over the queue server's limit of ${maxBytes}.`, { size, maxBytes });
    const declared = Number(ctx.headers['content-length'] ?? 0);
    if (declared > maxBytes) throw tooLarge(declared);
    const raw = await ctx.body.raw();
    if (raw.length > maxBytes) throw tooLarge(raw.length);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw bad('Body is not valid JSON.');
    }
    const messages = parseMessages(body, max);
    let accepted = 0;
    let duplicates = 0;
    for (const m of messages) {
      if (await seen.has(name, m.id)) {
        duplicates++;
        continue;
      }
      try {
        const r = await queue.push(m.name, m.payload, { ...m.options, jobId: m.id });
        if (r.added) accepted++;
        else duplicates++;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'ODY_QUEUE_PAYLOAD_TOO_LARGE' || code === 'ODY_QUEUE_OPTIONS_INVALID' || code === 'ODY_QUEUE_PAYLOAD_INVALID') {
          throw bad(`Message ${m.id}: ${(err as Error).message}`, { id: m.id, code });
        }
        throw err;
      }
      await seen.add(name, m.id);
    }
    return { accepted, duplicates };
  });
}
