import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncRuntime } from '@ody/cqrs';
import { HttpServer } from '@ody/http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, screenshot } from '../../../../test-support/browser.js';
import { createApp } from '../app.js';

describeWithBrowser('the live page in chromium', (browser) => {
  const dir = mkdtempSync(join(tmpdir(), 'ody-example-web-'));
  let app: Awaited<ReturnType<typeof createApp>>;
  let base: string;

  beforeAll(async () => {
    // Command workers start only when the test says so: the page is watching the command before it
    // runs, so every transition must arrive live, in order.
    app = await createApp({
      app: { name: 'ody-example', logLevel: 'warn' },
      http: { port: 0, host: '127.0.0.1' },
      queue: { dir },
      cqrs: { worker: { enabled: false, waitMs: 50 } },
      eventstore: { dir: join(dir, 'events') },
    });
    await app.start();
    base = `http://127.0.0.1:${app.get(HttpServer).port}`;
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('places an order and shows its command go queued → running → succeeded, pushed live', async () => {
    const page = await browser().newPage();
    try {
      await page.goto(`${base}/?name=Ada`);
      await page.locator('#connection[data-connected="true"]').waitFor();
      await page.getByLabel('sku').fill('lamp');
      await page.getByLabel('quantity').fill('3');
      await page.getByRole('button', { name: 'Place order' }).click();
      const status = page.locator('ody-command-status').first();
      await status.and(page.locator('[data-watching="true"]')).waitFor();
      const states = () => status.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-state')));
      expect(await states()).toEqual(['queued']);

      app.get(AsyncRuntime).startWorkers();
      await status.and(page.locator('[data-state="succeeded"]')).waitFor();
      expect(await states()).toEqual(['queued', 'running', 'succeeded']);
      const commandId = await status.getAttribute('command-id');
      const record = (await (await fetch(`${base}/orders/commands/${commandId}`)).json()) as { state: string; result: { orderId: string } };
      expect(record.state).toBe('succeeded');
      expect(await status.textContent()).toContain(record.result.orderId);
      await screenshot(page, 'example-order-flow');

      // The dashboard link opens the ops dashboard, which lists the command as succeeded.
      await page.getByRole('link', { name: 'dashboard' }).click();
      await page.locator(`tr[data-command="${commandId}"][data-state="succeeded"]`).waitFor();
      expect(await page.locator('tr[data-queue="orders"] td[data-count="failed"]').textContent()).toBe('0');
      // The runtime section: the two supervised heartbeat processes, the task pool and this page's socket.
      await page.locator('tr[data-process="heartbeat"][data-state="ready"]').nth(1).waitFor();
      expect(await page.locator('[data-tasks]').textContent()).toMatch(/Task pool: \d+ thread/);
      // This page left the live page, so the app's WebSocket has no connection; another tab opens one.
      await page.locator('[data-websocket="0"]').waitFor();
      const other = await browser().newPage();
      await other.goto(`${base}/?name=Bob`);
      await page.locator('[data-websocket="1"]').waitFor();
      await other.close();
      await screenshot(page, 'example-dashboard');
    } finally {
      await page.close();
    }
  }, 120_000);

  it('shows who is in the lobby and the announcements, live, on two pages', async () => {
    const ada = await browser().newPage();
    const grace = await browser().newPage();
    try {
      await ada.goto(`${base}/?name=Ada`);
      await ada.locator('ody-announcements[data-ready="true"]').waitFor();
      await grace.goto(`${base}/?name=Grace`);
      await grace.locator('ody-announcements[data-ready="true"]').waitFor();
      await ada.locator('ody-presence li[data-member="grace"]').waitFor();
      expect(await grace.locator('ody-presence li').allTextContents()).toEqual(expect.arrayContaining(['Ada', 'Grace']));

      await grace.getByLabel('announcement').fill('deploy at noon');
      await grace.getByRole('button', { name: 'Announce' }).click();
      await ada.locator('li[data-announcement]', { hasText: 'deploy at noon' }).waitFor();
      await screenshot(ada, 'example-presence-announcements');

      await grace.close();
      await ada.locator('ody-presence li[data-member="grace"]').waitFor({ state: 'detached' });
    } finally {
      await ada.close();
      if (!grace.isClosed()) await grace.close();
    }
  }, 120_000);
});
