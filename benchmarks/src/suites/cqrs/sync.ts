/** Sequential awaited commands/s: Ody's CommandBus bare and with two middlewares, against @nestjs/cqrs. */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandHandler as NestCommandHandler, CommandBus as NestCommandBus, CqrsModule } from '@nestjs/cqrs';
import { type BusMiddleware, Command, createBuses } from '@ody/cqrs';

class PlaceOrder extends Command<number> {
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

/** A peer: run `n` sequential awaited commands, return commands/s. */
export type Runner = (n: number) => Promise<number>;

async function loop(n: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await run(i);
  return (n / Number(process.hrtime.bigint() - start)) * 1e9;
}

/** Ody's bus with `middlewareCount` pass-through middlewares that each do a little work. */
export function odyRunner(middlewareCount: number): Runner {
  const bus = createBuses().commandBus;
  let seen = 0;
  const counting: BusMiddleware = async (message, next) => {
    seen++;
    return next(message);
  };
  for (let i = 0; i < middlewareCount; i++) bus.use(counting);
  bus.register(PlaceOrder, { execute: async (cmd: PlaceOrder) => cmd.qty + 1 });
  const commands = Array.from({ length: 1024 }, (_, i) => new PlaceOrder(i));
  return (n) => loop(n, (i) => bus.execute(commands[i & 1023]!)).finally(() => void seen);
}

/** @nestjs/cqrs CommandBus.execute through a real Nest application context. */
export async function nestRunner(): Promise<{ run: Runner; close: () => Promise<void> }> {
  const app = await NestFactory.createApplicationContext(NestBenchModule, { logger: false });
  await app.init();
  const bus = app.get(NestCommandBus);
  const commands = Array.from({ length: 1024 }, (_, i) => new NestPlaceOrder(i));
  return { run: (n) => loop(n, (i) => bus.execute(commands[i & 1023]!)), close: () => app.close() };
}
