import { describe, expect, it } from 'vitest';
import { OdyError } from '../errors.js';
import { definePlugin, type PluginDefinition } from '../plugin/define.js';
import { inject, injectable } from 'inversify';
import { token } from '../tokens.js';
import { createApplication } from './application.js';

const silent = { destination: { write() {} } };
const build = (plugins: ReturnType<typeof definePlugin>[], config: Record<string, unknown> = {}) =>
  createApplication({ envFile: false, env: {}, logger: silent, plugins, config });

/** A plugin that records each hook call into `log`. */
function recorder(log: string[], def: Partial<PluginDefinition> & { name: string }) {
  return definePlugin({
    ...def,
    register: async (ctx) => {
      log.push(`register:${def.name}`);
      await def.register?.(ctx);
    },
    boot: async (ctx) => {
      log.push(`boot:${def.name}`);
      await def.boot?.(ctx);
    },
    shutdown: async (ctx, budget) => {
      log.push(`shutdown:${def.name}`);
      await def.shutdown?.(ctx, budget);
    },
  });
}

async function rejection(p: Promise<unknown>): Promise<OdyError> {
  try {
    await p;
  } catch (err) {
    if (OdyError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('Application lifecycle', () => {
  it('registers every plugin, then boots in dependency order, then stops in reverse', async () => {
    const log: string[] = [];
    const app = await build([recorder(log, { name: 'cqrs', dependsOn: ['queue'] }), recorder(log, { name: 'queue' })]);
    expect(app.state).toBe('created');
    await app.start();
    expect(app.state).toBe('started');
    await app.stop();
    expect(app.state).toBe('stopped');
    expect(log).toEqual(['register:queue', 'register:cqrs', 'boot:queue', 'boot:cqrs', 'shutdown:cqrs', 'shutdown:queue']);
  });

  it('runs onShutdown hooks last-first before the plugin shutdown hook', async () => {
    const log: string[] = [];
    const app = await build([
      recorder(log, {
        name: 'a',
        boot: (ctx) => {
          ctx.onShutdown(() => void log.push('hook1'));
          ctx.onShutdown(() => void log.push('hook2'));
        },
      }),
    ]);
    await app.start();
    await app.stop();
    expect(log.slice(2)).toEqual(['hook2', 'hook1', 'shutdown:a']);
  });

  it('stop is idempotent and concurrent calls share one shutdown', async () => {
    const log: string[] = [];
    const app = await build([recorder(log, { name: 'a' })]);
    await app.start();
    const [p1, p2] = [app.stop(), app.stop()];
    expect(p1).toBe(p2);
    await Promise.all([p1, p2, app.stop()]);
    expect(log.filter((l) => l.startsWith('shutdown'))).toEqual(['shutdown:a']);
  });

  it('one failing or hanging plugin does not stop the others from shutting down; errors come together', async () => {
    const log: string[] = [];
    const app = await build(
      [
        recorder(log, { name: 'first' }),
        recorder(log, { name: 'hangs', shutdownTimeoutMs: 50, shutdown: () => new Promise(() => {}) }),
        recorder(log, {
          name: 'throws',
          shutdown: () => {
            throw new Error('socket stuck');
          },
        }),
      ],
      { app: { shutdownTimeoutMs: 1000 } },
    );
    await app.start();
    const err = await rejection(app.stop());
    expect(err.code).toBe('ODY_SHUTDOWN_FAILED');
    expect(err.details.plugins).toEqual(['throws', 'hangs']);
    expect(err.message).toContain('socket stuck');
    expect(err.message).toContain("Shutdown of plugin 'hangs' did not finish within 50 ms");
    expect(log).toContain('shutdown:first');
    expect(app.state).toBe('stopped');
  });

  it('a boot failure stops what already booted and names the plugin and phase', async () => {
    const log: string[] = [];
    const app = await build([
      recorder(log, { name: 'db' }),
      recorder(log, {
        name: 'http',
        boot: () => {
          throw new Error('EADDRINUSE 3000');
        },
      }),
      recorder(log, { name: 'never' }),
    ]);
    const err = await rejection(app.start());
    expect(err.code).toBe('ODY_BOOT_FAILED');
    expect(err.message).toContain("Plugin 'http' failed in boot: EADDRINUSE 3000");
    expect(log).toEqual(['register:db', 'register:http', 'register:never', 'boot:db', 'boot:http', 'shutdown:db']);
    expect(app.state).toBe('failed');
    await app.stop();
    expect(app.state).toBe('stopped');
  });

  it('cannot start twice after stopping', async () => {
    const app = await build([]);
    await app.start();
    expect(app.start()).toBe(app.start());
    await app.stop();
    expect((await rejection(app.start())).code).toBe('ODY_APP_STATE');
  });
});

describe('bindings', () => {
  const Port = token<number>('@ody/test/Port');

  it('binding a token twice names both plugins; rebind replaces on purpose', async () => {
    const a = definePlugin({ name: 'a', register: (ctx) => ctx.bind(Port).toValue(1) });
    const b = definePlugin({ name: 'b', register: (ctx) => ctx.bind(Port).toValue(2) });
    const err = await rejection((await build([a, b])).start());
    expect(err.code).toBe('ODY_BOOT_FAILED');
    const inner = err.cause as OdyError;
    expect(inner.code).toBe('ODY_TOKEN_ALREADY_BOUND');
    expect(inner.message).toContain("plugin 'a'");
    expect(inner.message).toContain("plugin 'b'");

    const c = definePlugin({ name: 'c', register: (ctx) => ctx.rebind(Port).toValue(3) });
    const app = await build([a, c]);
    await app.start();
    expect(app.get(Port)).toBe(3);
    await app.stop();
  });

  it('resolving an unbound token says which token', async () => {
    const app = await build([]);
    await app.start();
    let caught: unknown;
    try {
      app.get(token<string>('@ody/test/Missing'));
    } catch (err) {
      caught = err;
    }
    expect(OdyError.is(caught, 'ODY_TOKEN_NOT_BOUND')).toBe(true);
    expect((caught as Error).message).toContain('@ody/test/Missing');
    expect(app.has(Port)).toBe(false);
    await app.stop();
  });

  it('classes get their dependencies through explicit @inject tokens; factories are lazy singletons', async () => {
    const Name = token<string>('@ody/test/Name');
    const Service = token<Greeter>('@ody/test/Service');
    const Shout = token<{ value: string }>('@ody/test/Shout');
    @injectable()
    class Greeter {
      constructor(@inject(Name) readonly name: string) {}
      hello() {
        return `hello ${this.name}`;
      }
    }
    let built = 0;
    const plugin = definePlugin({
      name: 'svc',
      register(ctx) {
        ctx.bind(Name).toValue('ody');
        ctx.bind(Service).toClass(Greeter);
        ctx.bind(Shout).toFactory((get) => {
          built += 1;
          return { value: get(Service).hello().toUpperCase() };
        });
      },
    });
    const app = await build([plugin]);
    await app.start();
    expect(built).toBe(0);
    expect(app.get(Shout).value).toBe('HELLO ODY');
    expect(app.get(Shout)).toBe(app.get(Shout));
    expect(built).toBe(1);
    expect(app.get(Service)).toBe(app.get(Service));
    await app.stop();
  });
});

describe('resolution cache', () => {
  it('rebind after a resolution serves the new value, not the memoized one', async () => {
    const Mode = token<string>('@ody/test/Mode');
    const plugin = definePlugin({
      name: 'modes',
      register: (ctx) => ctx.bind(Mode).toValue('first'),
      boot(ctx) {
        expect(ctx.get(Mode)).toBe('first');
        ctx.rebind(Mode).toValue('second');
      },
    });
    const app = await build([plugin]);
    await app.start();
    expect(app.get(Mode)).toBe('second');
    await app.stop();
  });
});
