// One CQRS peer per child process (so one peer's AsyncLocalStorage or JIT state never taxes another):
// `node --import tsx peer-process.ts <peer> <n>` prints one JSON line `{ "perSecond": ... , "cpuUsPerOp": ... }`.
// Every peer builds a NEW command object per call (what user code does) and awaits it before the next.
import 'reflect-metadata';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandHandler as NestCommandHandler, CommandBus as NestCommandBus, CqrsModule } from '@nestjs/cqrs';
import { createApplication } from '@ody/core';
import { Command, CommandBus, cqrsPlugin } from '@ody/cqrs';
import { z } from 'zod';

class PlaceOrder extends Command<number> {
  constructor(readonly qty: number) {
    super();
  }
}

class ValidatedPlaceOrder extends Command<number> {
  static schema = z.object({ qty: z.number().int() });
  constructor(readonly qty: number) {
    super();
  }
}

class NestPlaceOrder {
  constructor(readonly qty: number) {}
}

@NestCommandHandler(NestPlaceOrder)
class NestPlaceOrderHandler {
  async execute(cmd: NestPlaceOrder): Promise<number> {
    return cmd.qty + 1;
  }
}

@Module({ imports: [CqrsModule.forRoot()], providers: [NestPlaceOrderHandler] })
class NestBenchModule {}

type Execute = (i: number) => Promise<unknown>;

/** The plugin's default bus (correlation + validation middleware; logging off), as `app.get(CommandBus)` gives it. */
async function odyPlugin(correlation: boolean, schema: boolean): Promise<Execute> {
  const app = await createApplication({
    config: { app: { logLevel: 'warn' }, cqrs: { correlation } },
    envFile: false,
    plugins: [
      cqrsPlugin({
        setup: (buses) => {
          buses.commandBus.register(PlaceOrder, { execute: async (cmd: PlaceOrder) => cmd.qty + 1 });
          buses.commandBus.register(ValidatedPlaceOrder, { execute: async (cmd: ValidatedPlaceOrder) => cmd.qty + 1 });
        },
      }),
    ],
  });
  await app.start();
  const bus = app.get(CommandBus);
  return schema ? (i) => bus.execute(new ValidatedPlaceOrder(i)) : (i) => bus.execute(new PlaceOrder(i));
}

async function nest(): Promise<Execute> {
  const app = await NestFactory.createApplicationContext(NestBenchModule, { logger: false });
  await app.init();
  const bus = app.get(NestCommandBus);
  return (i) => bus.execute(new NestPlaceOrder(i));
}

/**
 * Nest in a process where an AsyncLocalStorage is active, as in any app that keeps a request context
 * (nestjs-cls, OpenTelemetry, Ody's HTTP/queue/WebSocket layers): on Node 20 every promise then pays
 * the async-hooks cost. Informational: shows what the correlation middleware costs beyond that.
 */
async function nestWithContext(): Promise<Execute> {
  const run = await nest();
  const storage = new AsyncLocalStorage<{ requestId: number }>();
  storage.enterWith({ requestId: 0 });
  return run;
}

const peers: Record<string, () => Promise<Execute>> = {
  'ody-plugin-default': () => odyPlugin(true, false),
  'ody-plugin-no-correlation': () => odyPlugin(false, false),
  'ody-plugin-default-zod': () => odyPlugin(true, true),
  'nest-cqrs': nest,
  'nest-cqrs-als': nestWithContext,
};

async function measure(run: Execute, n: number): Promise<{ perSecond: number; cpuUsPerOp: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await run(i);
  const ns = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  return { perSecond: (n / ns) * 1e9, cpuUsPerOp: (used.user + used.system) / n };
}

const [peer, count] = process.argv.slice(2) as [string, string];
const make = peers[peer];
if (make === undefined) throw new Error(`unknown cqrs peer '${peer}'; one of ${Object.keys(peers).join(', ')}`);
const n = Number(count);
const run = await make();
await measure(run, Math.max(10_000, Math.floor(n / 4))); // warm-up: JIT, inline caches, UUID pool
process.stdout.write(`${JSON.stringify(await measure(run, n))}\n`);
process.exit(0);
