import { type Backoff, computeBackoffMs, OdyError } from '@ody/core';
import type { EventFilter, EventStore, RecordedEvent } from '../store/types.js';
import type { CheckpointStore } from './checkpoints.js';

/**
 * An async projection: handles batches of events in global order, after they commit. `tx` is what the
 * checkpoint store commits with (the pg client for PostgresCheckpointStore: write through it and the
 * batch and checkpoint commit together, exactly once; undefined elsewhere: at least once).
 */
export interface AsyncProjection<Tx = unknown> {
  readonly name: string;
  /** Which events it reads (default: all). */
  readonly filter?: EventFilter;
  /** Handle a batch in order into `context.generation`'s target. Throwing retries the batch, then isolates the poison event. */
  handle(events: readonly RecordedEvent[], tx: Tx, context: ProjectionContext): void | Promise<void>;
  /** In-place rebuilds: clear the target before replaying from position 0. */
  reset?(): void | Promise<void>;
  /**
   * Blue/green rebuilds: `rebuild()` prepares generation n+1 beside the live one, replays every event
   * into it while the live generation keeps serving and projecting, then stops the live runner,
   * projects the tail, and swaps. You start on generation 0.
   */
  readonly generations?: {
    /** Create an empty target for this generation (a fresh table, a new map). */
    prepare(generation: number): void | Promise<void>;
    /** Make this generation the one readers see (and drop the previous one). */
    swap(generation: number): void | Promise<void>;
  };
}

/** What a projection is told besides its events. */
export interface ProjectionContext {
  /** The generation to write to (0 unless blue/green rebuilds happened). */
  readonly generation: number;
}

/** Options of a projection runner. */
export interface ProjectionRunnerOptions<Tx = unknown> {
  store: EventStore;
  checkpoints: CheckpointStore<Tx>;
  /** Events per handle() call (default 100). */
  batchSize?: number;
  /** Tries per batch and per isolated event before it is dead-lettered (default 3). */
  attempts?: number;
  /** Wait between tries (default exponential from 50 ms, max 5 s). */
  backoff?: Backoff;
  /** Poll for events appended by other processes this often (default 500 ms); local appends wake it at once. */
  pollMs?: number;
  /** Told about each dead-lettered event and each loop error (the runner itself never stops on them). */
  onError?: (error: unknown, event?: RecordedEvent) => void;
}

/** Where a projection stands. */
export interface ProjectionStatus {
  readonly name: string;
  readonly state: 'stopped' | 'running';
  /** Last processed global position. */
  readonly position: number;
  /** Newest committed position in the store. */
  readonly head: number;
  /** Events between the checkpoint and the head (all types, an upper bound under a filter). */
  readonly lagEvents: number;
  /** Age of the oldest unprocessed event (0 when caught up). */
  readonly lagMs: number;
  readonly deadLetters: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs an async projection: reads the global log after its checkpoint in batches, hands each batch
 * to the projection, then saves the checkpoint (at least once). A failing batch is retried with
 * backoff, then replayed one event at a time so only the poison event goes to the dead letters —
 * the projection keeps going. Store errors are retried forever with backoff (a supervised loop).
 * @example
 * const runner = new ProjectionRunner(ordersView, { store, checkpoints: new MemoryCheckpointStore() });
 * runner.start(); … await runner.stop();
 */
export class ProjectionRunner<Tx = unknown> {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** An append (or stop) was announced since the last step began, so idle() must not wait for the next poll. */
  private woken = false;
  private unsubscribe?: () => void;
  private position = 0;

  constructor(
    readonly projection: AsyncProjection<Tx>,
    private readonly options: ProjectionRunnerOptions<Tx>,
  ) {}

  /** Start the loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.store.onAppended(() => {
      this.woken = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  /** Stop after the current batch. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.woken = true;
    this.wake?.();
    await this.loop;
  }

  /** Process everything committed now, then resolve (for tests and scripts; the loop need not run). */
  async catchUp(): Promise<void> {
    this.position = await this.options.checkpoints.load(this.projection.name);
    await this.loadGeneration();
    while (await this.step()) {}
  }

  /**
   * Replay from position 0. With `generations`: blue/green into a fresh target, swapped in when caught
   * up (the live one serves until then). Without: stop, `reset()`, replay in place, resume.
   */
  async rebuild(): Promise<void> {
    const { checkpoints } = this.options;
    const generations = this.projection.generations;
    if (generations === undefined) {
      const was = this.running;
      await this.stop();
      await this.projection.reset?.();
      await checkpoints.save(this.projection.name, 0);
      await this.catchUp();
      if (was) this.start();
      return;
    }
    const next = (await this.loadGeneration()) + 1;
    await generations.prepare(next);
    const shadowName = `${this.projection.name}.g${next}`;
    await checkpoints.save(shadowName, 0);
    const shadow = new ProjectionRunner<Tx>(
      { name: shadowName, filter: this.projection.filter, handle: (events, tx) => this.projection.handle(events, tx, { generation: next }) },
      this.options,
    );
    await shadow.catchUp();
    const was = this.running;
    await this.stop();
    await shadow.catchUp();
    await generations.swap(next);
    await checkpoints.save(this.projection.name, await checkpoints.load(shadowName));
    await checkpoints.save(`${this.projection.name}.generation`, next);
    this.generation = next;
    if (was) this.start();
  }

  private generation = 0;

  private async loadGeneration(): Promise<number> {
    if (this.projection.generations === undefined) return 0;
    this.generation = await this.options.checkpoints.load(`${this.projection.name}.generation`);
    return this.generation;
  }

  /** Position, lag and dead letters. */
  async status(): Promise<ProjectionStatus> {
    const { store, checkpoints } = this.options;
    const [position, head, dead] = await Promise.all([checkpoints.load(this.projection.name), store.headPosition(), checkpoints.deadLetters(this.projection.name)]);
    let lagMs = 0;
    if (head > position) {
      const [next] = await store.readAll({ fromPosition: position + 1, limit: 1, filter: this.projection.filter });
      if (next !== undefined) lagMs = Math.max(0, Date.now() - Date.parse(next.recordedAt));
    }
    return { name: this.projection.name, state: this.running ? 'running' : 'stopped', position, head, lagEvents: Math.max(0, head - position), lagMs, deadLetters: dead.length };
  }

  private async run(): Promise<void> {
    let failures = 0;
    let reload = true;
    while (this.running) {
      try {
        if (reload) {
          this.position = await this.options.checkpoints.load(this.projection.name);
          await this.loadGeneration();
        }
        reload = false;
        // A wake-up that lands while step() reads must not be lost: remember it for idle().
        this.woken = false;
        const progressed = await this.step();
        failures = 0;
        if (!progressed) await this.idle();
      } catch (error) {
        failures++;
        reload = true;
        this.options.onError?.(error);
        await sleep(this.delay(failures, error));
      }
    }
  }

  private idle(): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollMs ?? 500);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** One batch: read, handle (retry, isolate poison), checkpoint. False when there was nothing new. */
  private async step(): Promise<boolean> {
    const { store, checkpoints } = this.options;
    const batch = await store.readAll({ fromPosition: this.position + 1, limit: this.options.batchSize ?? 100, filter: this.projection.filter });
    if (batch.length === 0) return false;
    if (await this.tryHandle(batch)) return true;
    for (const event of batch) {
      if (await this.tryHandle([event])) continue;
      const error = this.lastError;
      if (OdyError.is(error, 'ODY_EVENTSOURCING_CHECKPOINT_MOVED')) throw error;
      await checkpoints.deadLetter(this.projection.name, event, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      await checkpoints.commit(this.projection.name, this.position, event.globalPosition, async () => {});
      this.position = event.globalPosition;
      this.options.onError?.(error, event);
    }
    return true;
  }

  private lastError: unknown;

  private async tryHandle(events: readonly RecordedEvent[]): Promise<boolean> {
    const attempts = this.options.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const to = events.at(-1)!.globalPosition;
      try {
        await this.options.checkpoints.commit(this.projection.name, this.position, to, async (tx) => {
          await this.projection.handle(events, tx, { generation: this.generation });
        });
        this.position = to;
        return true;
      } catch (error) {
        this.lastError = error;
        // Another runner moved the checkpoint: re-read from where it is, do not retry this batch.
        if (OdyError.is(error, 'ODY_EVENTSOURCING_CHECKPOINT_MOVED')) throw error;
        if (attempt < attempts) await sleep(this.delay(attempt, error));
      }
    }
    return false;
  }

  private delay(attempt: number, _error: unknown): number {
    const spec: Backoff = this.options.backoff ?? { type: 'exponential', delayMs: 50, maxDelayMs: 5000 };
    return computeBackoffMs(spec, attempt);
  }
}
