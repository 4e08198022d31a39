import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application } from '@ody/core';
import { deciderSpec, projectionSpec } from '@ody/eventsourcing/testing';
import { HttpServer } from '@ody/http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { ReceiveStock, ShipStock, StockRejected, stock } from './stock.js';
import { StockLevels, stockLevelsProjection } from './stock-levels.js';

describe('the stock decider (given events, when a command, then events)', () => {
  it('receives goods', async () => {
    await deciderSpec(stock).given([]).when(new ReceiveStock('pen', 5)).thenEvents([{ type: 'StockReceived', data: { sku: 'pen', qty: 5 } }]);
  });

  it('ships what is on hand', async () => {
    await deciderSpec(stock)
      .given([{ type: 'StockReceived', data: { sku: 'pen', qty: 5 } }])
      .when(new ShipStock('pen', 5))
      .thenEvents([{ type: 'StockShipped', data: { sku: 'pen', qty: 5 } }]);
  });

  it('refuses to ship more than is on hand, and stores nothing', async () => {
    await deciderSpec(stock)
      .given([
        { type: 'StockReceived', data: { sku: 'pen', qty: 5 } },
        { type: 'StockShipped', data: { sku: 'pen', qty: 4 } },
      ])
      .when(new ShipStock('pen', 2))
      .thenThrows(StockRejected);
  });
});

describe('the stock-levels projection', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('folds every sku\'s events into its level', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stock-levels-'));
    dirs.push(dir);
    const levels = new StockLevels(dir);
    await projectionSpec(stockLevelsProjection(levels), () => [levels.get('pen'), levels.get('cup')])
      .given([
        { stream: 'stock-pen', type: 'StockReceived', data: { sku: 'pen', qty: 5 } },
        { stream: 'stock-cup', type: 'StockReceived', data: { sku: 'cup', qty: 1 } },
        { stream: 'stock-pen', type: 'StockShipped', data: { sku: 'pen', qty: 2 } },
      ])
      .thenProjection([
        { sku: 'pen', onHand: 3, version: 2 },
        { sku: 'cup', onHand: 1, version: 1 },
      ]);
  });
});

describe('stock over HTTP: async command → decider → file event store → projection → read side', () => {
  let app: Application | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    app = undefined;
    dir = undefined;
  });

  /** Poll until `check` returns a value (bounded; returns as soon as it does). */
  async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 1_500; i++) {
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('receives and ships stock, and refuses to ship more than is on hand', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stock-'));
    app = await createApp({
      ordersDir: join(dir, 'orders'),
      eventsDir: join(dir, 'events'),
      readModelsDir: join(dir, 'read-models'),
      config: { app: { logLevel: 'warn' }, http: { port: 0, host: '127.0.0.1' }, queue: { driver: 'filesystem', dir: join(dir, 'queue') } },
    });
    await app.start();
    const base = `http://127.0.0.1:${app.get(HttpServer).port}`;
    const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const settled = (location: string) =>
      eventually(location, async () => {
        const record = (await (await fetch(base + location)).json()) as { state: string; attempts: number; result?: unknown; error?: { message: string } };
        return record.state === 'succeeded' || record.state === 'failed' ? record : undefined;
      });
    const level = (sku: string, onHand: number) =>
      eventually(`${sku} at ${onHand}`, async () => {
        const res = await fetch(`${base}/stock/${sku}`);
        const body = res.status === 200 ? ((await res.json()) as { onHand: number }) : undefined;
        return body?.onHand === onHand ? body : undefined;
      });

    const received = await post('/stock/pen/receive', { qty: 5 });
    expect(received.status).toBe(202);
    expect(await settled(received.headers.get('location') as string)).toMatchObject({ state: 'succeeded', result: { sku: 'pen', onHand: 5, version: 1 } });
    expect(await level('pen', 5)).toEqual({ sku: 'pen', onHand: 5, version: 1 });

    const tooMany = await post('/stock/pen/ship', { qty: 9 });
    // A business rule, not a glitch: failed at once, without retries.
    expect(await settled(tooMany.headers.get('location') as string)).toMatchObject({ state: 'failed', attempts: 1, error: { message: expect.stringContaining('5 on hand') } });

    const shipped = await post('/stock/pen/ship', { qty: 2 });
    expect(await settled(shipped.headers.get('location') as string)).toMatchObject({ state: 'succeeded', result: { onHand: 3, version: 2 } });
    expect(await level('pen', 3)).toEqual({ sku: 'pen', onHand: 3, version: 2 });

    const bad = await post('/stock/pen/ship', { qty: 0 });
    expect(bad.status).toBe(400);
    expect((await fetch(`${base}/stock/nothing-here`)).status).toBe(404);
  });
});
