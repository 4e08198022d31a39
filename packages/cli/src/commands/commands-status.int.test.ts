import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ody, odyCommand, run, scaffoldApp, tsxLoader } from '../testing/scaffolded.js';

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The cqrs template end to end: an API process dispatches the async PlaceOrder (queue `orders`, on the
// filesystem queue), `ody commands:status` reads it as queued, `ody queue:work orders` runs it, and
// `ody commands:status` then reads it as succeeded — four separate processes sharing var/.
describe('ody commands:status', () => {
  let app: string;
  let worker: ChildProcess | undefined;
  beforeAll(() => {
    app = scaffoldApp('cqrs', 'status', 'shop');
    writeFileSync(
      join(app, 'src', 'dispatch-once.ts'),
      `import { CommandBus } from '@ody/cqrs';
import { createApp } from './app.js';
import { PlaceOrder } from './orders/messages.js';

const app = await createApp({ role: 'api', config: { http: { port: 0, host: '127.0.0.1' }, app: { logLevel: 'warn' } } });
await app.start();
const receipt = await app.get(CommandBus).dispatch(new PlaceOrder(process.argv[2] ?? 'o-1', 'sku-1', 2));
console.log(JSON.stringify(receipt));
await app.stop();
`,
    );
    writeFileSync(
      join(app, 'memory-app.mjs'),
      `import { createApplication } from '@ody/core';
import { cqrsPlugin } from '@ody/cqrs';
import { queuePlugin } from '@ody/queue';
export const createApp = () => createApplication({ config: { queue: { driver: 'memory' } }, plugins: [queuePlugin(), cqrsPlugin()] });
`,
    );
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGKILL');
      await new Promise((r) => worker?.once('exit', r));
    }
    rmSync(join(app, '..'), { recursive: true, force: true });
  });

  const status = async (id: string) => {
    const out = await ody(app, ['--json', 'commands:status', id]);
    expect(out.status, out.stderr).toBe(0);
    return (JSON.parse(out.stdout) as { command: { id: string; state: string; name: string; queue: string; result?: unknown } }).command;
  };

  it('reads a dispatched command as queued, then succeeded once queue:work ran it', async () => {
    const dispatched = await run([process.execPath, '--import', tsxLoader, 'src/dispatch-once.ts', 'o-1'], app);
    expect(dispatched.status, dispatched.stderr).toBe(0);
    const { commandId } = JSON.parse(dispatched.stdout.trim().split('\n').at(-1) as string) as { commandId: string };
    expect(await status(commandId)).toMatchObject({ id: commandId, state: 'queued', queue: 'orders' });
    const table = await ody(app, ['commands:status', commandId]);
    expect(table.stdout).toMatch(/^state\s+queued$/m);

    worker = spawn(odyCommand[0]!, [...odyCommand.slice(1), 'queue:work', 'orders'], { cwd: app, stdio: 'ignore' });
    await until(async () => (await status(commandId)).state === 'succeeded');
    expect(await status(commandId)).toMatchObject({ state: 'succeeded', result: { orderId: 'o-1' } });
    worker.kill('SIGTERM');
    expect(await new Promise((r) => worker?.once('exit', r))).toBe(0);
  }, 180_000);

  it('an unknown id is one line and exit 1; memory is refused; bad usage exits 2', async () => {
    const missing = await ody(app, ['commands:status', 'no-such-command']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe("ody: No async command 'no-such-command' in the filesystem status store.");
    const memory = await ody(app, ['commands:status', 'x', '--app', 'memory-app.mjs']);
    expect(memory.status).toBe(1);
    expect(memory.stderr.trim()).toMatch(/^ody: The app's command status store is 'memory'/);
    const none = await ody(app, ['commands:status']);
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split('\n')[0]).toBe("error: missing required argument 'id'");
    const help = await ody(app, ['commands:status', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: ody commands:status [options] <id>');
  }, 180_000);
});
