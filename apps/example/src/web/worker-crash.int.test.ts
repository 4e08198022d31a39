import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpServer } from '@ody/http';
import { redisAdapter } from '@ody/websocket/redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, screenshot } from '../../../../test-support/browser.js';
import { describeWithRedis } from '../../../../test-support/redis-harness.js';
import { until } from '../../../../test-support/wait.js';
import { createApp } from '../app.js';

const fixture = join(import.meta.dirname, 'fixtures', 'order-worker.ts');
const tsconfig = join(import.meta.dirname, '..', '..', 'tsconfig.json');

describeWithBrowser('the live page while a queue worker process dies', (browser) => {
  describeWithRedis('with instances sharing channels through Redis', (redis) => {
    const dir = mkdtempSync(join(tmpdir(), 'ody-example-crash-'));
    const prefix = `ody:test:crash:${process.pid}:${Date.now()}`;
    const hangFile = join(dir, 'hung-by');
    const children: ChildProcess[] = [];
    let app: Awaited<ReturnType<typeof createApp>>;
    let base: string;

    /** Start another instance of the app that works the orders queue; resolves once it is ready. */
    const startWorker = (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, redis.url, prefix, hangFile], {
        env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      return new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`order worker exited early with ${code}`)));
        child.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) resolve(child);
        });
      });
    };

    beforeAll(async () => {
      // The page's instance runs no command worker: the orders are worked by the child processes.
      app = await createApp(
        { app: { name: 'ody-example', logLevel: 'warn' }, http: { port: 0, host: '127.0.0.1' }, queue: { dir }, cqrs: { worker: { enabled: false } }, eventstore: { driver: 'memory' } },
        { websocketAdapter: () => redisAdapter({ redis: redis.url, prefix }) },
      );
      await app.start();
      base = `http://127.0.0.1:${app.get(HttpServer).port}`;
    });
    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await app?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows the command running, SIGKILLs its worker mid-job, and shows it redelivered to another worker and succeeded', async () => {
      const first = await startWorker();
      const page = await browser().newPage();
      page.setDefaultTimeout(60_000); // child processes start through tsx: slow on a loaded machine
      try {
        await page.goto(`${base}/?name=Ops`);
        await page.locator('#connection[data-connected="true"]').waitFor();
        await page.getByLabel('sku').fill('kettle');
        await page.getByRole('button', { name: 'Place order' }).click();
        const status = page.locator('ody-command-status').first();
        await status.and(page.locator('[data-state="running"]')).waitFor();
        await until('the first worker hangs in the handler', () => existsSync(hangFile) && readFileSync(hangFile, 'utf8') === String(first.pid));

        const exited = new Promise((resolve) => first.once('exit', resolve));
        first.kill('SIGKILL');
        await exited;
        await startWorker();

        await status.and(page.locator('[data-state="succeeded"]')).waitFor();
        const items = await status.locator('li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-state'), li.textContent]));
        expect(items).toEqual([
          ['queued', 'queued'],
          ['running', 'running'],
          ['running', 'running (redelivered)'],
          ['succeeded', 'succeeded'],
        ]);
        const commandId = await status.getAttribute('command-id');
        expect(await (await fetch(`${base}/orders/commands/${commandId}`)).json()).toMatchObject({ state: 'succeeded' });
        await screenshot(page, 'example-worker-sigkill');
      } finally {
        await page.close();
      }
    }, 180_000);
  });
});
