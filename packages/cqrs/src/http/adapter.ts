import { runInContext } from '@ody/core';
import { type HttpContext, NotFoundError, type RouteGroup } from '@ody/http';
import type { Buses } from '../buses/create.js';
import { nameOfKey } from '../messages/keys.js';
import type { MessageKey, PlainMessage } from '../messages/message.js';
import { toHttpError } from './errors.js';

/** Which messages are reachable over HTTP (nothing is, unless listed). */
export interface CqrsHttpOptions {
  /** Commands accepted at `POST {prefix}/commands/:name`. */
  commands?: readonly MessageKey[];
  /** Queries answered at `GET {prefix}/queries/:name`. */
  queries?: readonly MessageKey[];
  /** Path prefix; default ''. */
  prefix?: string;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function jsonBody(ctx: HttpContext): Promise<unknown> {
  const type = ctx.get('content-type');
  if (type === undefined || type === '') {
    const text = await ctx.body.text();
    return text === '' ? {} : JSON.parse(text);
  }
  return ctx.body.json();
}

/**
 * Expose chosen commands and queries on a router (ODY's CqrsApiAdapter):
 * - `POST /commands/:name` validates the JSON body, then executes (200 `{ result }`) or, for an
 *   async command, queues it (202 `{ commandId, status }` + `Location: /commands/:id`);
 *   an `Idempotency-Key` header is passed to dispatch.
 * - `GET /commands/:id` answers the status record (404 when unknown).
 * - `GET /queries/:name` validates the query string against the query's schema and answers `{ result }`.
 * Errors leave as problem+json: 400 with every bad field, 404 for messages not exposed.
 * @example
 * exposeCqrs(app.get(Router), buses, { commands: [PlaceOrder], queries: [GetOrder] });
 */
export function exposeCqrs(router: RouteGroup, buses: Buses, options: CqrsHttpOptions): void {
  const prefix = options.prefix ?? '';
  const commands = new Set((options.commands ?? []).map((k) => buses.registry.register('command', k).name));
  const queries = new Set((options.queries ?? []).map((k) => buses.registry.register('query', k).name));
  const { commandBus, queryBus, registry } = buses;
  const inContext = <T>(ctx: HttpContext, fn: () => Promise<T>): Promise<T> => {
    const correlationId = ctx.requestId ?? ctx.get('x-correlation-id');
    return correlationId === undefined ? fn() : runInContext({ correlationId }, fn);
  };

  router.post(`${prefix}/commands/:name`, async (ctx: HttpContext) => {
    const name = String(ctx.params.name);
    if (!commands.has(name)) throw new NotFoundError(`No command '${name}' is exposed over HTTP.`);
    const payload = await jsonBody(ctx);
    try {
      const command = registry.build(name, payload, 'command') as PlainMessage;
      if (commandBus.isAsync(name)) {
        const key = ctx.get('idempotency-key');
        const receipt = await inContext(ctx, () => commandBus.dispatch(command, key === undefined ? {} : { idempotencyKey: key }));
        ctx.status(202).header('location', `${prefix}/commands/${receipt.commandId}`);
        return receipt;
      }
      return { result: (await inContext(ctx, () => commandBus.execute(command))) ?? null };
    } catch (err) {
      throw toHttpError(err, 'body');
    }
  });

  router.get(`${prefix}/commands/:id`, async (ctx: HttpContext) => {
    const id = String(ctx.params.id);
    const record = await commandBus.status(id);
    if (record === undefined || !commands.has(record.name)) throw new NotFoundError(`No command with id '${id}' is recorded.`);
    ctx.header('cache-control', 'no-store');
    return record;
  });

  router.get(`${prefix}/queries/:name`, async (ctx: HttpContext) => {
    const name = String(ctx.params.name);
    if (!queries.has(name)) throw new NotFoundError(`No query '${name}' is exposed over HTTP.`);
    const params = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, one(v as string | string[] | undefined)]));
    try {
      const query = registry.build(name, params, 'query') as PlainMessage;
      return { result: (await inContext(ctx, () => queryBus.execute(query))) ?? null };
    } catch (err) {
      throw toHttpError(err, 'query');
    }
  });
}

/** The names a key list exposes (for docs and logs). */
export function exposedNames(keys: readonly MessageKey[] = []): string[] {
  return keys.map((k) => nameOfKey(k));
}
