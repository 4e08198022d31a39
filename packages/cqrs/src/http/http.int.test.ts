import { type AnyPlugin, createApplication, type Application } from '@ody/core';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Async } from '../decorators/decorators.js';
import { Command, defineQuery, Query } from '../messages/message.js';
import { cqrsPlugin } from '../plugin/plugin.js';
import { cqrsHttpPlugin } from './index.js';

@Async({ queue: 'orders' })
class PlaceOrder extends Command<{ orderId: string }> {
  static schema = z.object({ sku: z.string().min(2), qty: z.number().int().positive() });
  declare readonly sku: string;
  declare readonly qty: number;
}
class Rename extends Command<string> {
  static schema = z.object({ name: z.string().min(1) });
  declare readonly name: string;
}
class GetOrder extends Query<{ id: string; qty: number } | undefined> {
  static schema = z.object({ id: z.string(), qty: z.coerce.number().int() });
  declare readonly id: string;
  declare readonly qty: number;
}
const Secret = defineQuery<{}, string>('Secret');

describe('HTTP adapter (@ody/cqrs/http)', () => {
  let app: Application;
  let base: string;
  beforeAll(async () => {
    app = await createApplication({
      envFile: false,
      env: {},
      config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue: { driver: 'memory' }, cqrs: { worker: { waitMs: 50 } } },
      plugins: [
        httpPlugin(),
        queuePlugin(),
        cqrsPlugin({
          setup({ commandBus, queryBus }) {
            commandBus.register(PlaceOrder, (c) => ({ orderId: `o-${c.sku}-${c.qty}` }));
            commandBus.register(Rename, (c) => `renamed to ${c.name}`);
            queryBus.register(GetOrder, (q) => ({ id: q.id, qty: q.qty }));
            queryBus.register(Secret, () => 'hidden');
          },
        }),
        cqrsHttpPlugin({ commands: [PlaceOrder, Rename], queries: [GetOrder] }),
      ] as AnyPlugin[],
    });
    await app.start();
    base = `http://127.0.0.1:${app.get(HttpServer).port}`;
  });
  afterAll(() => app?.stop());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('queues an async command: 202 with a Location whose status ends succeeded', async () => {
    const res = await post('/commands/PlaceOrder', { sku: 'ab', qty: 2 });
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as { commandId: string; status: string };
    expect(receipt.status).toBe('queued');
    expect(res.headers.get('location')).toBe(`/commands/${receipt.commandId}`);
    let record: { state: string; result?: unknown } = { state: 'queued' };
    for (let i = 0; record.state !== 'succeeded' && i < 500; i++) {
      record = (await (await fetch(base + res.headers.get('location'))).json()) as typeof record;
      if (record.state !== 'succeeded') await new Promise((r) => setTimeout(r, 10));
    }
    expect(record).toMatchObject({ state: 'succeeded', result: { orderId: 'o-ab-2' } });
  });

  it('passes the Idempotency-Key header to dispatch', async () => {
    const a = (await (await post('/commands/PlaceOrder', { sku: 'cd', qty: 1 }, { 'idempotency-key': 'k-1' })).json()) as { commandId: string };
    const b = (await (await post('/commands/PlaceOrder', { sku: 'cd', qty: 1 }, { 'idempotency-key': 'k-1' })).json()) as { commandId: string; duplicate: boolean };
    expect(b.commandId).toBe(a.commandId);
    expect(b.duplicate).toBe(true);
  });

  it('executes a sync command and answers { result }', async () => {
    const res = await post('/commands/Rename', { name: 'x' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'renamed to x' });
  });

  it('answers 400 problem+json listing every bad field', async () => {
    const res = await post('/commands/PlaceOrder', { sku: 'a', qty: -1 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { code: string; errors: Array<{ location: string; path: string }> };
    expect(problem.code).toBe('ODY_HTTP_VALIDATION');
    expect(problem.errors.map((e) => `${e.location}.${e.path}`).sort()).toEqual(['body.qty', 'body.sku']);
  });

  it('validates and coerces query params, and 400s bad ones', async () => {
    const ok = await fetch(`${base}/queries/GetOrder?id=o-1&qty=3`);
    expect(await ok.json()).toEqual({ result: { id: 'o-1', qty: 3 } });
    const bad = await fetch(`${base}/queries/GetOrder?id=o-1&qty=many`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ location: string }> }).errors[0]!.location).toBe('query');
  });

  it('exposes only opted-in messages: others are 404 problem+json', async () => {
    expect((await fetch(`${base}/queries/Secret`)).status).toBe(404);
    const res = await post('/commands/child_process', {});
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('ODY_HTTP_NOT_FOUND');
    expect((await fetch(`${base}/commands/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });
});
