import { type Backoff, computeBackoffMs } from '@ody/core';
import { EventSourcingError, VersionConflictError } from '../errors.js';
import { iterateStream } from '../store/iterate.js';
import type { EventStore, RecordedEvent } from '../store/types.js';
import type { AggregateRoot } from './aggregate.js';
import { aggregateModel, assertEvents, deciderModel, type Model } from './model.js';
import type { EventTypes } from './registry.js';
import type { Decider, DomainEvent } from './types.js';

/** Default wait between conflict retries: short, growing, jittered so racers spread out. */
const DEFAULT_BACKOFF: Backoff = { type: 'exponential', delayMs: 2, maxDelayMs: 200, jitter: 0.5 };

/** When to snapshot: every N events, or when a predicate says so. */
export interface SnapshotPolicy<S> {
  /** Save a snapshot each time the version crosses a multiple of `every`. */
  every?: number;
  /** Or decide per save. */
  when?: (state: S, version: number, newEvents: number) => boolean;
  /** Shape version of the snapshotted state; snapshots of another version are ignored (default 1). */
  schemaVersion?: number;
}

/** Options shared by both repository styles. */
export interface RepositoryOptions<S> {
  store: EventStore;
  /** Every event type this model reads and writes. */
  types: EventTypes;
  /** Stream of an id (default: the id itself). */
  streamName?: (id: string) => string;
  snapshots?: SnapshotPolicy<S>;
  /** Re-load and re-decide on a version conflict: `attempts` tries in all (default 3), waiting `backoff` between (default exponential from 2 ms, jittered, max 200 ms). */
  retry?: { attempts?: number; backoff?: Backoff };
}

/** What load() returns. */
export interface Loaded<S> {
  readonly state: S;
  /** Stream version the state includes. */
  readonly version: number;
  /** Whether a snapshot was used. */
  readonly fromSnapshot: boolean;
}

/** What a successful handle()/execute() returns. */
export interface Saved<S> {
  readonly state: S;
  readonly version: number;
  /** The events appended (empty when the command decided nothing). */
  readonly events: readonly RecordedEvent[];
}

/**
 * Loads state from a stream (newest snapshot + tail, upcast on read) and saves new events with the
 * loaded version as expected version; on a conflict it reloads and runs the command again.
 */
export class Repository<S, E extends DomainEvent> {
  private readonly streamOf: (id: string) => string;

  constructor(
    private readonly model: Model<S, E>,
    private readonly options: RepositoryOptions<S>,
  ) {
    this.streamOf = options.streamName ?? ((id) => id);
  }

  /** The stream an id lives in. */
  streamName(id: string): string {
    return this.streamOf(id);
  }

  /** Current state of an id (initial state and version 0 for a new one). */
  async load(id: string): Promise<Loaded<S>> {
    const stream = this.streamOf(id);
    const { store, types } = this.options;
    let state = this.model.initial();
    let version = 0;
    let fromSnapshot = false;
    if (this.options.snapshots !== undefined) {
      const snap = await store.loadSnapshot(stream);
      if (snap !== undefined && snap.schemaVersion === (this.options.snapshots.schemaVersion ?? 1)) {
        state = this.model.restore(snap.state);
        version = snap.version;
        fromSnapshot = true;
      }
    }
    for await (const recorded of iterateStream(store, stream, { from: version + 1 })) {
      state = this.model.evolve(state, types.fromRecorded<E>(recorded));
      version = recorded.streamPosition;
    }
    if (version === 0) {
      // After a soft delete the stream reads empty but keeps its version.
      const info = await store.streamInfo(stream);
      if (info.version > version && info.deleted) version = info.version;
    }
    this.model.setVersion(state, version);
    return { state, version, fromSnapshot };
  }

  /**
   * Load, run `act` on the state, append what it produced with the loaded version as expected version.
   * On a VersionConflictError, reload and run `act` again (up to `retry.attempts`).
   */
  async handle(id: string, act: (state: S) => unknown): Promise<Saved<S>> {
    const attempts = this.options.retry?.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(id);
      const acted = await act(loaded.state);
      try {
        return await this.save(id, loaded.state, loaded.version, this.model.newEvents(loaded.state, acted));
      } catch (error) {
        if (!VersionConflictError.isConflict(error)) throw error;
        if (attempt >= attempts) {
          throw new EventSourcingError(
            'ODY_EVENTSOURCING_RETRIES_EXHAUSTED',
            `'${this.streamOf(id)}' kept changing under the command: ${attempts} attempts ended in a version conflict. Raise retry.attempts or reduce contention on this stream.`,
            { cause: error, details: { stream: this.streamOf(id), attempts } },
          );
        }
        const backoff = this.options.retry?.backoff ?? DEFAULT_BACKOFF;
        const waitMs = computeBackoffMs(backoff, attempt);
        // Always yield a macrotask, so the writer that won (and its I/O) can finish.
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  /** Append events produced from `state` at `version`, fold them in, and snapshot by policy. */
  async save(id: string, state: S, version: number, events: readonly E[]): Promise<Saved<S>> {
    assertEvents(events, `A command on '${this.streamOf(id)}'`);
    if (events.length === 0) return { state, version, events: [] };
    const stream = this.streamOf(id);
    const result = await this.options.store.append(
      stream,
      events.map((e) => this.options.types.toNew(e)),
      { expectedVersion: version === 0 ? 'no-stream' : version },
    );
    let next = state;
    // A decider's state has not seen the new events yet; an aggregate already applied them.
    if (!this.model.appliesOnAct) for (const e of events) next = this.model.evolve(next, e);
    const newVersion = result.nextExpectedVersion;
    this.model.setVersion(next, newVersion);
    await this.maybeSnapshot(stream, next, version, newVersion, events.length);
    return { state: next, version: newVersion, events: result.events };
  }

  private async maybeSnapshot(stream: string, state: S, from: number, to: number, count: number): Promise<void> {
    const policy = this.options.snapshots;
    if (policy === undefined) return;
    const due = policy.when?.(state, to, count) ?? (policy.every !== undefined && Math.floor(from / policy.every) !== Math.floor(to / policy.every));
    if (!due) return;
    const snap = this.model.snapshot(state);
    if (snap === undefined) return;
    await this.options.store.saveSnapshot({ stream, version: to, schemaVersion: policy.schemaVersion ?? 1, state: JSON.parse(JSON.stringify(snap)) });
  }
}

/** A repository of a decider, with `execute(id, command)`. */
export class DeciderRepository<C, S, E extends DomainEvent> extends Repository<S, E> {
  constructor(
    private readonly decider: Decider<C, S, E>,
    options: RepositoryOptions<S>,
  ) {
    super(deciderModel(decider), options);
  }

  /** Load → decide → append (retrying on conflict); resolves with the new state, version and events. */
  execute(id: string, command: C): Promise<Saved<S>> {
    return this.handle(id, (state) => this.decider.decide(command, state));
  }
}

/**
 * A repository for a decider.
 * @example
 * const carts = deciderRepository(cartDecider, { store, types, streamName: (id) => `cart-${id}`, snapshots: { every: 100 } });
 * await carts.execute('c1', { type: 'AddItem', sku: 'a' });
 */
export function deciderRepository<C, S, E extends DomainEvent>(decider: Decider<C, S, E>, options: RepositoryOptions<S>): DeciderRepository<C, S, E> {
  return new DeciderRepository(decider, options);
}

/**
 * A repository for a class aggregate: `handle(id, (cart) => cart.add('a'))` saves its uncommitted events.
 * @example
 * const carts = aggregateRepository(() => new Cart(), { store, types });
 */
export function aggregateRepository<A extends AggregateRoot<E>, E extends DomainEvent = DomainEvent>(
  create: () => A,
  options: RepositoryOptions<A>,
): Repository<A, E> {
  return new Repository<A, E>(aggregateModel<A, E>(create), options);
}
