import type { Generated } from './generators-types.js';
import type { Names } from './names.js';
import { aggregateGenerator, projectionGenerator } from './eventsourcing.js';
import { processGenerator } from './process.js';

export type { Generated, GeneratedFile } from './generators-types.js';

/** The kinds `ody make:<kind>` knows. */
export const kinds = ['controller', 'route', 'command', 'query', 'event', 'plugin', 'task', 'process', 'aggregate', 'projection'] as const;
/** One of `kinds`. */
export type Kind = (typeof kinds)[number];

const controller = (n: Names): Generated => ({
  files: [
    {
      path: `src/controllers/${n.kebab}.controller.ts`,
      content: `import { Controller, Get, NotFoundError, Param } from '@ody/http';

/** A ${n.pascal} as the API returns it. */
export interface ${n.pascal} {
  id: string;
}

/** ${n.pascal} endpoints: GET /${n.kebab}, GET /${n.kebab}/:id. */
@Controller('/${n.kebab}')
export class ${n.pascal}Controller {
  private readonly items = new Map<string, ${n.pascal}>();

  @Get()
  list(): ${n.pascal}[] {
    return [...this.items.values()];
  }

  @Get('/:id')
  show(@Param('id') id: string): ${n.pascal} {
    const item = this.items.get(id);
    if (!item) throw new NotFoundError(\`No ${n.kebab} '\${id}'.\`);
    return item;
  }
}
`,
    },
    {
      path: `src/controllers/${n.kebab}.controller.test.ts`,
      content: `import { NotFoundError } from '@ody/http';
import { describe, expect, it } from 'vitest';
import { ${n.pascal}Controller } from './${n.kebab}.controller.js';

describe('${n.pascal}Controller', () => {
  it('lists nothing at first', () => {
    expect(new ${n.pascal}Controller().list()).toEqual([]);
  });

  it('answers an unknown id with NotFoundError (a 404 problem+json over HTTP)', () => {
    expect(() => new ${n.pascal}Controller().show('missing')).toThrow(NotFoundError);
  });
});
`,
    },
  ],
  register: { slot: 'controllers', entry: `${n.pascal}Controller`, from: `./controllers/${n.kebab}.controller.js` },
});

const route = (n: Names): Generated => ({
  files: [
    {
      path: `src/routes/${n.kebab}.ts`,
      content: `import { z } from '@ody/core';
import type { HttpRouter } from '@ody/http';

/** What POST /${n.kebab} accepts; anything else is a 400 problem+json listing each bad field. */
export const ${n.pascal}Input = z.object({ name: z.string().min(1).max(100) });

/** GET /${n.kebab} and a validated POST /${n.kebab}. */
export function ${n.camel}Routes(router: HttpRouter): void {
  router.get('/${n.kebab}', () => ({ ${n.camel}: [] }));
  router.post('/${n.kebab}', { body: ${n.pascal}Input }, (c) => {
    c.status(201);
    return { created: ${n.pascal}Input.parse(c.valid.body) };
  });
}
`,
    },
    {
      path: `src/routes/${n.kebab}.test.ts`,
      content: `import { createServer } from '@ody/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ${n.camel}Routes } from './${n.kebab}.js';

describe('${n.kebab} routes', () => {
  const server = createServer({ config: { host: '127.0.0.1', port: 0 } });
  let base: string;
  beforeAll(async () => {
    ${n.camel}Routes(server.router);
    base = \`http://127.0.0.1:\${await server.listen()}\`;
  });
  afterAll(() => server.close());

  it('answers GET', async () => {
    expect((await fetch(\`\${base}/${n.kebab}\`)).status).toBe(200);
  });

  it('validates POST bodies', async () => {
    const post = (body: unknown) =>
      fetch(\`\${base}/${n.kebab}\`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ name: 'a' })).status).toBe(201);
    expect((await post({ name: '' })).status).toBe(400);
  });
});
`,
    },
  ],
  hint: `Mount it: httpPlugin({ routes: ${n.camel}Routes }) or, from a plugin, ${n.camel}Routes(ctx.get(Router)).`,
});

const message = (kind: 'command' | 'query', n: Names): Generated => {
  const Base = kind === 'command' ? 'Command' : 'Query';
  const Decorator = kind === 'command' ? 'CommandHandler' : 'QueryHandler';
  const folder = kind === 'command' ? 'commands' : 'queries';
  const bus = kind === 'command' ? 'commandBus' : 'queryBus';
  return {
    files: [
      {
        path: `src/${folder}/${n.kebab}.ts`,
        content: `import { z } from '@ody/core';
import { ${Base}, ${Decorator} } from '@ody/cqrs';

/** ${n.pascal}: what it asks for, validated on every bus by its schema. */
export class ${n.pascal} extends ${Base}<{ id: string }> {
  static schema = z.object({ id: z.string().min(1) });
  constructor(readonly id: string) {
    super();
  }
}

/** Handles ${n.pascal} (list it in cqrsPlugin({ handlers })). */
@${Decorator}(${n.pascal})
export class ${n.pascal}Handler {
  execute(message: ${n.pascal}): { id: string } {
    return { id: message.id };
  }
}
`,
      },
      {
        path: `src/${folder}/${n.kebab}.test.ts`,
        content: `import { createBuses } from '@ody/cqrs';
import { describe, expect, it } from 'vitest';
import { ${n.pascal}, ${n.pascal}Handler } from './${n.kebab}.js';

describe('${n.pascal}', () => {
  it('is handled through the bus', async () => {
    const { ${bus} } = createBuses();
    const handler = new ${n.pascal}Handler();
    ${bus}.register(${n.pascal}, (message) => handler.execute(message));
    expect(await ${bus}.execute(new ${n.pascal}('42'))).toEqual({ id: '42' });
  });
});
`,
      },
    ],
    register: { slot: 'handlers', entry: `${n.pascal}Handler`, from: `./${folder}/${n.kebab}.js` },
  };
};

const event = (n: Names): Generated => ({
  files: [
    {
      path: `src/events/${n.kebab}.ts`,
      content: `import { Event, EventHandler } from '@ody/cqrs';

/** ${n.pascal}: something that happened. */
export class ${n.pascal} extends Event {
  constructor(readonly id: string) {
    super();
  }
}

/** Reacts to ${n.pascal} (list it in cqrsPlugin({ handlers })); an event may have any number of handlers. */
@EventHandler(${n.pascal})
export class On${n.pascal} {
  readonly seen: string[] = [];
  handle(event: ${n.pascal}): void {
    this.seen.push(event.id);
  }
}
`,
    },
    {
      path: `src/events/${n.kebab}.test.ts`,
      content: `import { createBuses } from '@ody/cqrs';
import { describe, expect, it } from 'vitest';
import { ${n.pascal}, On${n.pascal} } from './${n.kebab}.js';

describe('${n.pascal}', () => {
  it('reaches its handler through the event bus', async () => {
    const { eventBus } = createBuses();
    const handler = new On${n.pascal}();
    eventBus.register(${n.pascal}, (event) => handler.handle(event), { name: 'On${n.pascal}' });
    await eventBus.publish(new ${n.pascal}('7'));
    expect(handler.seen).toEqual(['7']);
  });
});
`,
    },
  ],
  register: { slot: 'handlers', entry: `On${n.pascal}`, from: `./events/${n.kebab}.js` },
});

const plugin = (n: Names): Generated => ({
  files: [
    {
      path: `src/plugins/${n.kebab}.ts`,
      content: `import { definePlugin, token } from '@ody/core';

/** What the ${n.kebab} plugin provides. */
export interface ${n.pascal}Service {
  hello(name: string): string;
}

/** DI token of the ${n.kebab} service. */
export const ${n.pascal} = token<${n.pascal}Service>('app/${n.pascal}');

/** The ${n.kebab} plugin: binds ${n.pascal} in register; add boot/shutdown hooks as it grows. */
export const ${n.camel}Plugin = () =>
  definePlugin({
    name: '${n.kebab}',
    register(ctx) {
      ctx.bind(${n.pascal}).toValue({ hello: (name) => \`hello, \${name}\` });
    },
  });
`,
    },
    {
      path: `src/plugins/${n.kebab}.test.ts`,
      content: `import { createApplication } from '@ody/core';
import { describe, expect, it } from 'vitest';
import { ${n.pascal}, ${n.camel}Plugin } from './${n.kebab}.js';

describe('${n.kebab} plugin', () => {
  it('provides its service once the app starts', async () => {
    const app = await createApplication({ plugins: [${n.camel}Plugin()], config: { app: { logLevel: 'warn' } } });
    await app.start();
    try {
      expect(app.get(${n.pascal}).hello('ody')).toBe('hello, ody');
    } finally {
      await app.stop();
    }
  });
});
`,
    },
  ],
  register: { slot: 'plugins', entry: `${n.camel}Plugin()`, from: `./plugins/${n.kebab}.js` },
});

const task = (n: Names): Generated => ({
  files: [
    {
      path: `src/tasks/${n.kebab}.ts`,
      content: `/** Task module: CPU-bound work for the task pool; it runs on worker threads. */
import { defineTasks } from '@ody/task/worker';

/** ${n.camel}: replace the body with the real work (it must be a pure function of its input). */
export function ${n.camel}(input: { values: number[] }): number {
  let sum = 0;
  for (const value of input.values) sum += value;
  return sum;
}

export default defineTasks({ ${n.camel} });
`,
    },
    {
      path: `src/tasks/${n.kebab}.test.ts`,
      content: `import { describe, expect, it } from 'vitest';
import { ${n.camel} } from './${n.kebab}.js';

describe('${n.camel} task', () => {
  it('computes its result', () => {
    expect(${n.camel}({ values: [1, 2, 3] })).toBe(6);
  });
});
`,
    },
  ],
  hint: `Load it on the pool: taskPlugin({ modules: [new URL('./tasks/${n.kebab}.js', import.meta.url)] }), then pool.run('${n.camel}', input).`,
});

/** The generator of each kind. */
export const generators: Record<Kind, (n: Names) => Generated> = {
  controller,
  route,
  command: (n) => message('command', n),
  query: (n) => message('query', n),
  event,
  plugin,
  task,
  process: processGenerator,
  aggregate: aggregateGenerator,
  projection: projectionGenerator,
};
