import { type AnyPlugin, createApplication } from '@ody/core';
import { Async, Command, CommandBus, CommandHandler, cqrsPlugin } from '@ody/cqrs';
import { HttpServer, httpPlugin } from '@ody/http';
import { queuePlugin } from '@ody/queue';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, screenshot } from '../../../test-support/browser.js';
import { dashboardPlugin } from './plugin.js';

const supplier = { down: true };

@Async({ queue: 'invoices', attempts: 2, backoff: 0 })
class SendInvoice extends Command<{ sent: string }> {
  constructor(readonly to: string) {
    super();
  }
}

@CommandHandler(SendInvoice)
class SendInvoiceHandler {
  execute(cmd: SendInvoice) {
    if (supplier.down) throw new Error(`mail relay refused ${cmd.to}`);
    return { sent: cmd.to };
  }
}

describeWithBrowser('the dashboard in chromium', (browser) => {
  let app: Awaited<ReturnType<typeof createApplication>>;
  let base: string;

  beforeAll(async () => {
    app = await createApplication({
      envFile: false,
      env: {},
      config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port: 0 }, queue: { driver: 'memory' }, cqrs: { worker: { waitMs: 20 } } },
      plugins: [
        httpPlugin(),
        queuePlugin(),
        cqrsPlugin({ handlers: [SendInvoiceHandler] }),
        dashboardPlugin({ enabled: true, authorize: (req) => new URLSearchParams(req.query).get('token') === 'secret' }),
      ] as AnyPlugin[],
    });
    await app.start();
    base = `http://127.0.0.1:${app.get(HttpServer).port}`;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('shows a failed job with its error, live, and retries it with the Retry button', async () => {
    const page = await browser().newPage();
    try {
      await page.goto(`${base}/ody/dashboard?token=secret`);
      await page.locator('#connection[data-connected="true"]').waitFor();
      const { commandId } = await app.get(CommandBus).dispatch(new SendInvoice('ada@example.org'));

      // Pushed, not reloaded: the failed job appears with its last error, and the command as failed.
      const job = page.locator(`.failed-job[data-job="${commandId}"]`);
      await job.waitFor();
      expect(await job.locator('.error').textContent()).toContain('mail relay refused ada@example.org');
      expect(await job.textContent()).toContain('earlier: #1 mail relay refused');
      await page.locator(`tr[data-command="${commandId}"][data-state="failed"]`).waitFor();
      expect(await page.locator('tr[data-queue="invoices"] td[data-count="failed"]').textContent()).toBe('1');
      await screenshot(page, 'dashboard-failed-job');

      supplier.down = false;
      await job.getByRole('button', { name: 'Retry' }).click();
      await job.waitFor({ state: 'detached' });
      await page.locator(`tr[data-command="${commandId}"][data-state="succeeded"]`).waitFor();
      await page.locator('tr[data-queue="invoices"] td[data-count="failed"]', { hasText: '0' }).waitFor();
      expect(await app.get(CommandBus).status(commandId)).toMatchObject({ state: 'succeeded', result: { sent: 'ada@example.org' } });
      // The throughput sparkline counted the completed run (the page saw 0 completed before it).
      await page.locator('tr[data-queue="invoices"] svg[data-completed="1"]').waitFor();
      await screenshot(page, 'dashboard-after-retry');
    } finally {
      await page.close();
    }
  }, 120_000);

  it('answers 401 without the token the authorize hook wants', async () => {
    const page = await browser().newPage();
    try {
      const res = await page.goto(`${base}/ody/dashboard`);
      expect(res?.status()).toBe(401);
    } finally {
      await page.close();
    }
  }, 120_000);
});
