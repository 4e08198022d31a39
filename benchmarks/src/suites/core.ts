import 'reflect-metadata';
import { createApplication, definePlugin, inject, injectable, token } from '@ody/core';
import { Container, inject as rawInject, injectable as rawInjectable } from 'inversify';
import { alternate, median } from '../measure.js';
import type { Suite } from '../types.js';

// Token resolution through the kernel vs raw inversify, same binding shapes (a singleton class with one
// injected dependency), plus start+stop of an application with 20 plugins. Ody memoizes a token's
// singleton after its first resolution; raw inversify plans each get: the ratio shows what a user gets.

const Config = token<{ prefix: string }>('@ody/bench/Config');
const Service = token<Greeter>('@ody/bench/Service');

@injectable()
class Greeter {
  constructor(@inject(Config) readonly config: { prefix: string }) {}
}

const RawConfig = Symbol('RawConfig');
const RawService = Symbol('RawService');
@rawInjectable()
class RawGreeter {
  constructor(@rawInject(RawConfig) readonly config: { prefix: string }) {}
}

function rawContainer(): Container {
  const c = new Container();
  c.bind(RawConfig).toConstantValue({ prefix: 'hi' });
  c.bind(RawService).to(RawGreeter).inSingletonScope();
  return c;
}

async function odyApp() {
  const app = await createApplication({
    envFile: false,
    env: {},
    logger: { destination: { write() {} } },
    plugins: [
      definePlugin({
        name: 'bench',
        register(ctx) {
          ctx.bind(Config).toValue({ prefix: 'hi' });
          ctx.bind(Service).toClass(Greeter);
        },
      }),
    ],
  });
  await app.start();
  return app;
}

function getsPerSecond(n: number, get: () => unknown): number {
  let sink: unknown;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = get();
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === undefined) throw new Error('resolution returned nothing');
  return (n / ns) * 1e9;
}

async function startStop20(): Promise<number> {
  const plugins = Array.from({ length: 20 }, (_, i) =>
    definePlugin({
      name: `p${i}`,
      dependsOn: i === 0 ? [] : [`p${i - 1}`],
      register(ctx) {
        ctx.bind(token<number>(`@ody/bench/p${i}`)).toValue(i);
      },
      boot() {},
      shutdown() {},
    }),
  );
  const start = process.hrtime.bigint();
  const app = await createApplication({ envFile: false, env: {}, logger: { destination: { write() {} } }, plugins });
  await app.start();
  await app.stop();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const suite: Suite = {
  name: 'core',
  async run({ quick }) {
    const app = await odyApp();
    const raw = rawContainer();
    const n = quick ? 500_000 : 2_000_000;
    const rounds = quick ? 7 : 15;
    // Warm both paths before measuring.
    getsPerSecond(200_000, () => app.get(Service));
    getsPerSecond(200_000, () => raw.get(RawService));
    const samples = await alternate(rounds, {
      ody: () => getsPerSecond(n, () => app.get(Service)),
      inversify: () => getsPerSecond(n, () => raw.get(RawService)),
    });
    await app.stop();
    const startStops: number[] = [];
    for (let i = 0; i < (quick ? 30 : 100); i++) startStops.push(await startStop20());
    const ody = median(samples.ody);
    const inv = median(samples.inversify);
    return {
      rows: [
        { name: 'ody-get', metric: 'gets/s', value: ody },
        { name: 'inversify-get', metric: 'gets/s', value: inv },
        { name: 'app-start-stop-20-plugins', metric: 'ms', value: median(startStops) },
      ],
      ratios: { 'ody-get/inversify-get': ody / inv },
      notes: [`median of ${rounds} alternating rounds of ${n.toLocaleString('en-US')} gets; start+stop median of ${startStops.length} runs`],
    };
  },
};

export default suite;
