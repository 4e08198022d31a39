import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ody, run, scaffoldApp } from '../testing/scaffolded.js';

const require_ = createRequire(import.meta.url);

// A test written into the generated app: the registered aggregate and projection work inside the
// running app (async command → worker → decider → file event store → projection → read model file).
const flowTest = `import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@ody/cqrs';
import { expect, it } from 'vitest';
import { CreateInvoice } from './aggregates/invoice.js';
import { createApp } from './app.js';
import { invoiceView } from './projections/invoice.js';

it('runs the generated aggregate and projection inside the app', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'invoice-flow-'));
  const app = await createApp({
    role: 'worker',
    ordersDir: join(dir, 'orders'),
    eventsDir: join(dir, 'events'),
    readModelsDir: join(dir, 'read-models'),
    config: { app: { logLevel: 'warn' }, queue: { driver: 'filesystem', dir: join(dir, 'queue') } },
  });
  await app.start();
  try {
    const bus = app.get(CommandBus);
    const { commandId } = await bus.dispatch(new CreateInvoice('42', 'First invoice'));
    expect(await bus.wait(commandId)).toEqual({ id: '42', version: 1 });
    let row = invoiceView(join(dir, 'read-models')).get('invoice-42');
    for (let i = 0; i < 1_000 && row === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = invoiceView(join(dir, 'read-models')).get('invoice-42');
    }
    expect(row).toEqual({ stream: 'invoice-42', version: 1, lastEvent: 'InvoiceCreated', data: { id: '42', title: 'First invoice' } });
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
`;

describe('ody make:aggregate and make:projection', () => {
  let cqrs: string;
  let api: string;
  beforeAll(() => {
    cqrs = scaffoldApp('cqrs', 'make-es', 'shop');
    api = scaffoldApp('api', 'make-es-api', 'plain');
  });
  afterAll(() => {
    rmSync(join(cqrs, '..'), { recursive: true, force: true });
    rmSync(join(api, '..'), { recursive: true, force: true });
  });

  it('write the files, register them at the cqrs template\'s markers, and refuse to overwrite', async () => {
    const aggregate = await ody(cqrs, ['make:aggregate', 'invoice']);
    expect(aggregate.status, aggregate.stderr).toBe(0);
    expect(aggregate.stdout).toBe('created src/aggregates/invoice.ts\ncreated src/aggregates/invoice.test.ts\nregistered in src/app.ts (aggregates)\n');
    const projection = await ody(cqrs, ['--json', 'make:projection', 'invoice']);
    expect(projection.status, projection.stderr).toBe(0);
    expect(JSON.parse(projection.stdout)).toEqual({ kind: 'projection', files: ['src/projections/invoice.ts', 'src/projections/invoice.test.ts'], registered: 'src/app.ts (projections)' });
    const appTs = readFileSync(join(cqrs, 'src', 'app.ts'), 'utf8');
    expect(appTs).toContain("import { invoiceAggregate } from './aggregates/invoice.js';");
    expect(appTs).toContain('invoiceAggregate, /* ody:aggregates */');
    expect(appTs).toContain("import { invoiceProjection } from './projections/invoice.js';");
    expect(appTs).toContain('invoiceProjection(readModels), /* ody:projections */');
    const again = await ody(cqrs, ['make:projection', 'invoice']);
    expect(again.status).toBe(2);
    expect(again.stderr.trim()).toBe('ody: Not overwriting src/projections/invoice.ts, src/projections/invoice.test.ts; pick another name or remove the file.');
    expect(readFileSync(join(cqrs, 'src', 'app.ts'), 'utf8')).toBe(appTs);
    const help = await ody(cqrs, ['make:aggregate', '--help']);
    expect(help.stdout).toContain('Usage: ody make:aggregate [options] <name>');
  }, 120_000);

  it('the generated code compiles, passes its own tests, and runs inside the app', async () => {
    writeFileSync(join(cqrs, 'src', 'invoice-flow.test.ts'), flowTest);
    const typecheck = await run([process.execPath, require_.resolve('typescript/bin/tsc'), '--noEmit', '-p', cqrs], cqrs);
    expect(typecheck.status, typecheck.stdout + typecheck.stderr).toBe(0);
    const tests = await run([process.execPath, require_.resolve('vitest/vitest.mjs'), 'run', 'src/aggregates', 'src/projections', 'src/invoice-flow.test.ts'], cqrs);
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/Tests\s+7 passed/);
  }, 180_000);

  it('in an app without event sourcing: writes the files and says what to install and where to register', async () => {
    const made = await ody(api, ['make:aggregate', 'invoice']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain('created src/aggregates/invoice.ts');
    expect(made.stdout).toContain('The app does not depend on @ody/eventsourcing yet: npm install @ody/eventsourcing.');
    expect(made.stdout).toContain('list ...invoiceAggregate.handlers in cqrsPlugin({ handlers })');
    const projection = await ody(api, ['make:projection', 'invoice']);
    expect(projection.stdout).toContain("Run it: eventStorePlugin({ projections: [invoiceProjection('var/read-models')] })");
  }, 120_000);
});
