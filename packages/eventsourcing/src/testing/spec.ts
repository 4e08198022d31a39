import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { EventSourcingError } from '../errors.js';
import { memoryEventStore } from '../memory/store.js';
import type { AggregateRoot } from '../model/aggregate.js';
import { EventTypes } from '../model/registry.js';
import { aggregateRepository, deciderRepository, type Repository } from '../model/repository.js';
import type { Decider, DomainEvent } from '../model/types.js';
import { MemoryCheckpointStore } from '../projections/checkpoints.js';
import { type AsyncProjection, ProjectionRunner } from '../projections/async.js';
import { SagaRuntime } from '../sagas/runtime.js';
import type { Saga, SagaTimeout } from '../sagas/types.js';
import type { EventStore } from '../store/types.js';

/** Where a spec runs: a memory store by default, or any store you pass (its types registry too). */
export interface SpecOptions {
  store?: EventStore;
  types?: EventTypes;
}

/** What a thrown error must match: its class, its `code`, or a predicate. */
export type ErrorMatcher = (abstract new (...args: never[]) => unknown) | string | ((error: unknown) => boolean);

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new EventSourcingError('ODY_EVENTSOURCING_GIVEN_FAILED', message, { details });
}

const plain = (events: readonly DomainEvent[]) => events.map((e) => ({ type: e.type, data: e.data }));

function typesFor(options: SpecOptions, events: readonly DomainEvent[]): EventTypes {
  const types = options.types ?? new EventTypes();
  if (options.types === undefined) for (const e of events) if (!types.has(e.type)) types.register(e.type);
  return types;
}

/** The outcome half of a spec: exactly one of these is called. */
export interface Then<E extends DomainEvent> {
  /** The command appended exactly these events (type and data, in order). */
  thenEvents(expected: readonly E[]): Promise<void>;
  /** The command threw a matching error and appended nothing. */
  thenThrows(matcher: ErrorMatcher): Promise<void>;
  /** The command succeeded and appended nothing. */
  thenNothing(): Promise<void>;
}

function makeThen<S, E extends DomainEvent>(
  options: SpecOptions,
  given: readonly E[],
  build: (types: EventTypes, store: EventStore) => Repository<S, E>,
  act: (repo: Repository<S, E>, id: string) => Promise<unknown>,
): Then<E> {
  const execute = async (expected: readonly E[]) => {
    const store = options.store ?? memoryEventStore();
    const types = typesFor(options, [...given, ...expected]);
    const stream = `spec-${randomBytes(5).toString('hex')}`;
    if (given.length > 0) await store.append(stream, given.map((e) => types.toNew(e)), { expectedVersion: 'no-stream' });
    const repo = build(types, store);
    let error: unknown;
    let thrown = false;
    try {
      await act(repo, stream);
    } catch (e) {
      error = e;
      thrown = true;
    }
    const appended = (await store.read(stream, { from: given.length + 1 })).map((r) => types.fromRecorded(r));
    if (options.store === undefined) await store.close();
    return { error, thrown, appended: plain(appended) };
  };
  return {
    async thenEvents(expected) {
      const r = await execute(expected);
      if (r.thrown) fail(`Expected events ${JSON.stringify(plain(expected))}, but the command threw: ${(r.error as Error)?.message ?? String(r.error)}`, { error: r.error });
      if (!isDeepStrictEqual(r.appended, plain(expected))) {
        fail(`Expected events ${JSON.stringify(plain(expected))}\n  but got ${JSON.stringify(r.appended)}`, { expected: plain(expected), actual: r.appended });
      }
    },
    async thenThrows(matcher) {
      const r = await execute([]);
      if (!r.thrown) fail(`Expected the command to throw, but it appended ${JSON.stringify(r.appended)}.`);
      const e = r.error as { code?: unknown };
      const ok =
        typeof matcher === 'string'
          ? e?.code === matcher
          : matcher.prototype !== undefined && r.error instanceof (matcher as abstract new (...args: never[]) => unknown)
            ? true
            : matcher.prototype === undefined && (matcher as (error: unknown) => boolean)(r.error);
      if (!ok) fail(`The command threw ${(r.error as Error)?.name}: ${(r.error as Error)?.message}, which does not match the expected error.`, { error: r.error });
      if (r.appended.length > 0) fail(`The command threw but appended ${JSON.stringify(r.appended)}.`);
    },
    async thenNothing() {
      const r = await execute([]);
      if (r.thrown) fail(`Expected no events, but the command threw: ${(r.error as Error)?.message ?? String(r.error)}`, { error: r.error });
      if (r.appended.length > 0) fail(`Expected no events, but got ${JSON.stringify(r.appended)}.`, { actual: r.appended });
    },
  };
}

/**
 * given/when/then for a decider, through the real repository and a store.
 * @example
 * await deciderSpec(cart).given([{ type: 'ItemAdded', data: { sku: 'a' } }]).when({ type: 'Checkout' })
 *   .thenEvents([{ type: 'CheckedOut', data: {} }]);
 */
export function deciderSpec<C, S, E extends DomainEvent>(decider: Decider<C, S, E>, options: SpecOptions = {}) {
  return {
    given: (events: readonly E[]) => ({
      when: (command: C): Then<E> =>
        makeThen<S, E>(
          options,
          events,
          (types, store) => deciderRepository(decider, { store, types }),
          (repo, id) => (repo as ReturnType<typeof deciderRepository<C, S, E>>).execute(id, command),
        ),
    }),
  };
}

/** given/when/then for a class aggregate: `when` calls a command method. */
export function aggregateSpec<A extends AggregateRoot<E>, E extends DomainEvent>(create: () => A, options: SpecOptions = {}) {
  return {
    given: (events: readonly E[]) => ({
      when: (act: (aggregate: A) => unknown): Then<E> =>
        makeThen<A, E>(
          options,
          events,
          (types, store) => aggregateRepository<A, E>(create, { store, types }),
          (repo, id) => repo.handle(id, act),
        ),
    }),
  };
}

/**
 * given(events).thenProjection(state) for an async projection: the events are appended, the
 * projection catches up through a real ProjectionRunner, and `read()` must equal `expected`.
 */
export function projectionSpec<T>(projection: AsyncProjection, read: () => T | Promise<T>, options: { store?: EventStore } = {}) {
  return {
    given: (events: readonly (DomainEvent & { stream?: string })[]) => ({
      async thenProjection(expected: T): Promise<void> {
        const store = options.store ?? memoryEventStore();
        for (const e of events) await store.append(e.stream ?? 'spec', [{ type: e.type, data: e.data }]);
        await projection.reset?.();
        const runner = new ProjectionRunner(projection, { store, checkpoints: new MemoryCheckpointStore(), attempts: 1 });
        await runner.catchUp();
        const actual = await read();
        if (options.store === undefined) await store.close();
        if (!isDeepStrictEqual(actual, expected)) fail(`Expected projection ${JSON.stringify(expected)}\n  but got ${JSON.stringify(actual)}`, { expected, actual });
      },
    }),
  };
}

/** The outcome half of a saga spec. */
export interface SagaThen {
  /** The message made the saga send exactly these commands (in order). */
  thenCommands(expected: readonly object[]): Promise<SagaThen>;
  /** The message made the saga schedule exactly these timeouts (name, afterMs, data). */
  thenTimeouts(expected: readonly SagaTimeout[]): Promise<SagaThen>;
}

/**
 * given(events).when(event).thenCommands([...]).thenTimeouts([...]) for a saga, through the real
 * SagaRuntime on a memory store (or yours). `when` takes an event `{ type, data }` or a fired timeout
 * `{ timeout: name, data }`.
 */
export function sagaSpec<S>(saga: Saga<S>, options: { store?: EventStore } = {}) {
  type Given = DomainEvent & { stream?: string };
  return {
    given: (events: readonly Given[]) => ({
      when: (message: Given | { timeout: string; data?: unknown }) => {
        const run = (async () => {
          const store = options.store ?? memoryEventStore();
          let commands: object[] = [];
          let timeouts: SagaTimeout[] = [];
          const runtime = new SagaRuntime([saga as Saga<unknown>], {
            store,
            dispatch: async (c) => {
              commands.push(c);
            },
            schedule: async (t) => {
              timeouts.push({ name: t.name, afterMs: t.afterMs, ...(t.data === undefined ? {} : { data: t.data }) });
            },
          });
          let key: string | undefined;
          const appendAndHandle = async (e: Given) => {
            const r = await store.append(e.stream ?? 'spec', [{ type: e.type, data: e.data }]);
            if (saga.types.includes(e.type)) key = saga.correlate(r.events[0]!) ?? key;
            await runtime.handleEvent(r.events[0]!);
          };
          for (const e of events) await appendAndHandle(e);
          commands = [];
          timeouts = [];
          if ('timeout' in message) {
            if (key === undefined) fail('The saga correlates none of the given events, so no instance can receive the timeout.');
            await runtime.fireTimeout({ id: `spec-timeout-${randomBytes(4).toString('hex')}`, saga: saga.name, key, name: message.timeout, afterMs: 0, data: message.data });
          } else await appendAndHandle(message);
          if (options.store === undefined) await store.close();
          return { commands, timeouts };
        })();
        const then: SagaThen = {
          async thenCommands(expected) {
            const { commands } = await run;
            if (!isDeepStrictEqual(commands, expected)) fail(`Expected commands ${JSON.stringify(expected)}\n  but got ${JSON.stringify(commands)}`, { expected, actual: commands });
            return then;
          },
          async thenTimeouts(expected) {
            const { timeouts } = await run;
            if (!isDeepStrictEqual(timeouts, expected)) fail(`Expected timeouts ${JSON.stringify(expected)}\n  but got ${JSON.stringify(timeouts)}`, { expected, actual: timeouts });
            return then;
          },
        };
        // A failure is reported by the then* call that awaits it, never as an unhandled rejection.
        run.catch(() => undefined);
        return then;
      },
    }),
  };
}
