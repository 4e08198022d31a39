import type { Generated } from './generators-types.js';
import type { Names } from './names.js';

/**
 * `make:aggregate <name>`: an event-sourced decider (two async commands, two events, a domain error
 * the queue does not retry), its DI command handlers and a bundle for src/app.ts; the test runs
 * given/when/then specs and the handlers on a memory event store.
 */
export const aggregateGenerator = (n: Names): Generated => {
  const { pascal: P, camel: c, kebab: k } = n;
  return {
    files: [
      {
        path: `src/aggregates/${k}.ts`,
        content: `import { inject, z } from '@ody/core';
import { Async, Command, CommandHandler, EventBus } from '@ody/cqrs';
import { type Decider, type DomainEvent, deciderCommandHandler, deciderRepository, EventStore, eventTypes } from '@ody/eventsourcing';
import { UnrecoverableError } from '@ody/queue';

/** What a ${k} command answers once its events are stored. */
export interface ${P}Result {
  id: string;
  version: number;
}

/** Create a ${k}. Async: a queue worker runs it where the event store is open (remove @Async to run it in-process). */
@Async({ queue: '${k}', attempts: 3 })
export class Create${P} extends Command<${P}Result> {
  static schema = z.object({ id: z.string().min(1).max(64), title: z.string().min(1).max(200) });
  constructor(
    readonly id: string,
    readonly title: string,
  ) {
    super();
  }
}

/** Archive a ${k} (archiving an archived one changes nothing). */
@Async({ queue: '${k}', attempts: 3 })
export class Archive${P} extends Command<${P}Result> {
  static schema = z.object({ id: z.string().min(1).max(64) });
  constructor(readonly id: string) {
    super();
  }
}

/** The events of one ${k}'s stream (\`${k}-<id>\`): the only thing stored; the state is folded from them. */
export type ${P}Event = DomainEvent<'${P}Created', { id: string; title: string }> | DomainEvent<'${P}Archived', { id: string }>;

/** A ${k}'s state, rebuilt from its events. */
export interface ${P}State {
  status: 'none' | 'active' | 'archived';
  title: string;
}

/** A business rule said no. Retrying cannot help, so the queue fails the command at once. */
export class ${P}Rejected extends UnrecoverableError {}

/** The ${k} decider: decide (command + state → events) and evolve (state + event → state), both pure. */
export const ${c}: Decider<Create${P} | Archive${P}, ${P}State, ${P}Event> = {
  initialState: () => ({ status: 'none', title: '' }),
  decide(command, state) {
    if (command instanceof Create${P}) {
      if (state.status !== 'none') throw new ${P}Rejected(\`${P} '\${command.id}' exists already.\`);
      return [{ type: '${P}Created', data: { id: command.id, title: command.title } }];
    }
    if (state.status === 'none') throw new ${P}Rejected(\`No ${k} '\${command.id}'.\`);
    return state.status === 'archived' ? [] : [{ type: '${P}Archived', data: { id: command.id } }];
  },
  evolve(state, event) {
    return event.type === '${P}Created' ? { status: 'active', title: event.data.title } : { ...state, status: 'archived' };
  },
};

/** Every event type the ${k} stream stores (reads build only these). */
export const ${c}EventTypes = eventTypes().register('${P}Created').register('${P}Archived');

/** load \`${k}-<id>\` → decide → append (re-deciding on a version conflict) → publish the new events on the EventBus. */
function ${c}Commands(store: EventStore, eventBus: EventBus): (command: Create${P} | Archive${P}) => Promise<${P}Result> {
  const repository = deciderRepository(${c}, { store, types: ${c}EventTypes, streamName: (id) => \`${k}-\${id}\` });
  return deciderCommandHandler({ repository, id: (command) => command.id, eventBus });
}

/** Handles Create${P} (built through DI in the process that opens the event store). */
@CommandHandler(Create${P})
export class Create${P}Handler {
  private readonly run: ReturnType<typeof ${c}Commands>;
  constructor(@inject(EventStore) store: EventStore, @inject(EventBus) eventBus: EventBus) {
    this.run = ${c}Commands(store, eventBus);
  }

  execute(command: Create${P}): Promise<${P}Result> {
    return this.run(command);
  }
}

/** Handles Archive${P}. */
@CommandHandler(Archive${P})
export class Archive${P}Handler {
  private readonly run: ReturnType<typeof ${c}Commands>;
  constructor(@inject(EventStore) store: EventStore, @inject(EventBus) eventBus: EventBus) {
    this.run = ${c}Commands(store, eventBus);
  }

  execute(command: Archive${P}): Promise<${P}Result> {
    return this.run(command);
  }
}

/** What src/app.ts registers: the commands (every process may dispatch them) and their handlers (the event-store process). */
export const ${c}Aggregate = { commands: [Create${P}, Archive${P}], handlers: [Create${P}Handler, Archive${P}Handler] };
`,
      },
      {
        path: `src/aggregates/${k}.test.ts`,
        content: `import { createBuses } from '@ody/cqrs';
import { memoryEventStore } from '@ody/eventsourcing';
import { deciderSpec } from '@ody/eventsourcing/testing';
import { describe, expect, it } from 'vitest';
import { Archive${P}, Archive${P}Handler, Create${P}, Create${P}Handler, ${P}Rejected, ${c} } from './${k}.js';

const created = { type: '${P}Created', data: { id: '1', title: 'First' } } as const;

describe('the ${k} decider (given events, when a command, then events)', () => {
  it('creates a ${k}', async () => {
    await deciderSpec(${c}).given([]).when(new Create${P}('1', 'First')).thenEvents([created]);
  });

  it('refuses to create it twice, and stores nothing', async () => {
    await deciderSpec(${c}).given([created]).when(new Create${P}('1', 'Again')).thenThrows(${P}Rejected);
  });

  it('archives it once; archiving again stores nothing', async () => {
    await deciderSpec(${c}).given([created]).when(new Archive${P}('1')).thenEvents([{ type: '${P}Archived', data: { id: '1' } }]);
    await deciderSpec(${c}).given([created, { type: '${P}Archived', data: { id: '1' } }]).when(new Archive${P}('1')).thenNothing();
  });

  it('refuses to archive a ${k} that does not exist', async () => {
    await deciderSpec(${c}).given([]).when(new Archive${P}('1')).thenThrows(${P}Rejected);
  });
});

describe('the ${k} command handlers', () => {
  it('append to the event store and publish each new event on the event bus', async () => {
    const store = memoryEventStore();
    const { commandBus, eventBus } = createBuses();
    const published: string[] = [];
    eventBus.register('${P}Created', (event) => void published.push((event as { type: string }).type), { name: 'spy' });
    const create = new Create${P}Handler(store, eventBus);
    const archive = new Archive${P}Handler(store, eventBus);
    commandBus.register(Create${P}, (command) => create.execute(command));
    commandBus.register(Archive${P}, (command) => archive.execute(command));
    expect(await commandBus.execute(new Create${P}('7', 'Seven'))).toEqual({ id: '7', version: 1 });
    expect(await commandBus.execute(new Archive${P}('7'))).toEqual({ id: '7', version: 2 });
    expect((await store.read('${k}-7')).map((e) => e.type)).toEqual(['${P}Created', '${P}Archived']);
    expect(published).toEqual(['${P}Created']);
    await store.close();
  });
});
`,
      },
    ],
    register: { slot: 'aggregates', entry: `${c}Aggregate`, from: `./aggregates/${k}.js` },
    hint: `Register it: list ...${c}Aggregate.handlers in cqrsPlugin({ handlers }) of the process that opens the event store (eventStorePlugin()), and ${c}Aggregate.commands in cqrsPlugin({ messages: { commands } }) of processes that only dispatch them (import from './aggregates/${k}.js').`,
  };
};

/**
 * `make:projection <name>`: an async projection folding the events of \`<name>-*\` streams into one JSON
 * document per stream (a file each, so other processes read it), with a projectionSpec test.
 */
export const projectionGenerator = (n: Names): Generated => {
  const { pascal: P, camel: c, kebab: k } = n;
  return {
    files: [
      {
        path: `src/projections/${k}.ts`,
        content: `import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AsyncProjection } from '@ody/eventsourcing';

/** One stream's document in the ${k} read model. */
export interface ${P}Row {
  stream: string;
  /** The last event folded in (its stream position): a redelivered event is skipped. */
  version: number;
  lastEvent: string;
  /** Every event's data merged, newest wins. Shape it the way your screens read it. */
  data: Record<string, unknown>;
}

/**
 * The ${k} read model: one JSON file per stream in \`dir\`, written atomically (temp file + rename), so
 * any process on the machine reads it. Swap it for your database.
 */
export class ${P}View {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get(stream: string): ${P}Row | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, \`\${encodeURIComponent(stream)}.json\`), 'utf8')) as ${P}Row;
    } catch {
      return undefined;
    }
  }

  /** Every row, by stream name. */
  list(): ${P}Row[] {
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as ${P}Row)
      .sort((a, b) => a.stream.localeCompare(b.stream));
  }

  put(row: ${P}Row): void {
    const file = join(this.dir, \`\${encodeURIComponent(row.stream)}.json\`);
    writeFileSync(\`\${file}.\${process.pid}.tmp\`, JSON.stringify(row));
    renameSync(\`\${file}.\${process.pid}.tmp\`, file);
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }
}

/** The ${k} view under a read-models folder (the projection writes it; your routes read it). */
export const ${c}View = (readModelsDir: string) => new ${P}View(join(readModelsDir, '${k}'));

/**
 * The ${k} projection: eventStorePlugin({ projections }) runs it after each append and keeps its
 * checkpoint, so after a crash it resumes where it stopped (delivery is at least once).
 */
export function ${c}Projection(readModelsDir: string): AsyncProjection {
  const view = ${c}View(readModelsDir);
  return {
    name: '${k}',
    // Which events it reads: streams named '${k}-<id>' (as \`ody make:aggregate ${k}\` writes them); or { types: [...] }.
    filter: { streamPrefix: '${k}-' },
    handle(events) {
      for (const event of events) {
        const row = view.get(event.stream) ?? { stream: event.stream, version: 0, lastEvent: '', data: {} };
        if (event.streamPosition <= row.version) continue;
        const data = typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : { value: event.data };
        view.put({ stream: event.stream, version: event.streamPosition, lastEvent: event.type, data: { ...row.data, ...data } });
      }
    },
    // rebuild(): clear the view, then replay every event.
    reset: () => view.clear(),
  };
}
`,
      },
      {
        path: `src/projections/${k}.test.ts`,
        content: `import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectionSpec } from '@ody/eventsourcing/testing';
import { afterEach, describe, it } from 'vitest';
import { ${c}Projection, ${c}View } from './${k}.js';

describe('the ${k} projection', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('folds each ${k} stream into one row and ignores other streams', async () => {
    const dir = mkdtempSync(join(tmpdir(), '${k}-'));
    dirs.push(dir);
    await projectionSpec(${c}Projection(dir), () => ${c}View(dir).list())
      .given([
        { stream: '${k}-1', type: 'Created', data: { title: 'First' } },
        { stream: '${k}-2', type: 'Created', data: { title: 'Second' } },
        { stream: 'elsewhere-1', type: 'Created', data: { title: 'Not mine' } },
        { stream: '${k}-1', type: 'Renamed', data: { title: 'First, renamed' } },
      ])
      .thenProjection([
        { stream: '${k}-1', version: 2, lastEvent: 'Renamed', data: { title: 'First, renamed' } },
        { stream: '${k}-2', version: 1, lastEvent: 'Created', data: { title: 'Second' } },
      ]);
  });
});
`,
      },
    ],
    register: { slot: 'projections', entry: `${c}Projection(readModels)`, name: `${c}Projection`, from: `./projections/${k}.js` },
    hint: `Run it: eventStorePlugin({ projections: [${c}Projection('var/read-models')] }) (import from './projections/${k}.js'); read it with ${c}View('var/read-models').`,
  };
};
