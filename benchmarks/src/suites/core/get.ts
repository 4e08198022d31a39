/**
 * Token resolution of a singleton with one injected dependency: Ody's app.get (kernel over inversify,
 * singletons memoized) against plain inversify container.get (current major, singleton scope, the way its
 * docs bind a service). Both return the same already-built instance after the first call.
 */
import 'reflect-metadata';
import { createApplication, definePlugin, inject, injectable, token } from '@ody/core';
import { Container, inject as rawInject, injectable as rawInjectable } from 'inversify';

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

/** A started app with the service bound; `get` resolves it. */
export async function odyGetter(): Promise<{ get: () => unknown; stop: () => Promise<void> }> {
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
  return { get: () => app.get(Service), stop: () => app.stop() };
}

/** A plain inversify container with the same bindings. */
export function inversifyGetter(): { get: () => unknown } {
  const c = new Container();
  c.bind(RawConfig).toConstantValue({ prefix: 'hi' });
  c.bind(RawService).to(RawGreeter).inSingletonScope();
  return { get: () => c.get(RawService) };
}

/** Gets per second over n calls. */
export function getsPerSecond(n: number, get: () => unknown): number {
  let sink: unknown;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = get();
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === undefined) throw new Error('resolution returned nothing');
  return (n / ns) * 1e9;
}
