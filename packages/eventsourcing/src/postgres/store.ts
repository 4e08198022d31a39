import pg from 'pg';
import { newId, OdyError } from '@ody/core';
import { EventSourcingError, type ExpectedVersion, VersionConflictError } from '../errors.js';
import { type InlineProjection, runInline } from '../projections/inline.js';
import { GroupCommit, type Pending } from '../store/group-commit.js';
import { Listeners } from '../store/listeners.js';
import type { AppendOptions, AppendResult, EventStore, NewEvent, ReadAllOptions, ReadOptions, RecordedEvent, Snapshot, StreamInfo } from '../store/types.js';
import { checkEvents, checkExpected, checkRead, checkStream, metadataOf } from '../store/validate.js';
import { migrate, quoteSchema } from './schema.js';

/** Options of the PostgreSQL store. */
export interface PostgresEventStoreOptions {
  /** A pool you own (the store does not end it), or … */
  pool?: pg.Pool;
  /** … a connection string for a pool the store owns. */
  connectionString?: string;
  /** Pool size when the store creates the pool (default 10). */
  maxConnections?: number;
  /** Schema holding the tables (default `eventstore`). */
  schema?: string;
  /** Run `migrate` on open (default true). */
  migrate?: boolean;
  /** Told about errors of idle pool connections (a restarted server, a killed backend); the pool replaces them. */
  onError?: (error: Error) => void;
  /**
   * Wake `onAppended` listeners (async projections, subscriptions) in every process at once: appends
   * send a NOTIFY on commit and the store LISTENs on a dedicated connection while someone listens.
   * Default false: other processes' appends are then seen by polling.
   */
  notify?: boolean;
  /** Run in the append's transaction with its client: a throw rolls the append back. */
  projections?: readonly InlineProjection<pg.PoolClient>[];
  /**
   * Group commit: appends called while another batch is being written are sent together, as one
   * statement in one transaction (one round trip, one WAL flush), each still checked against its own
   * expected version and atomic on its own. Default 256 appends per batch; 1 turns batching off. Not
   * used with inline `projections` (each append then has its own transaction).
   */
  maxBatch?: number;
}

interface QueuedAppend {
  stream: string;
  expected: ExpectedVersion;
  prepared: PreparedEvent[];
}

/** What append_batch returns for one append. */
interface BatchRow {
  ok: boolean;
  stream_version: string;
  first_position: string;
  recorded_at: Date;
}

interface PreparedEvent {
  id: string;
  type: string;
  v: number;
  data: unknown;
  meta: Record<string, unknown>;
}

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_position: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

const COLUMNS = 'global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at';

function toEvent(r: EventRow): RecordedEvent {
  return {
    id: r.event_id,
    stream: r.stream_id,
    type: r.type,
    schemaVersion: r.schema_version,
    data: r.data,
    metadata: r.metadata,
    streamPosition: Number(r.stream_position),
    globalPosition: Number(r.global_position),
    recordedAt: r.recorded_at.toISOString(),
  };
}

/** SQLSTATE classes of errors that abort a statement before its commit: data exception, integrity, syntax/access, program limit, rollback (deadlock, serialization). */
const ROLLED_BACK = new Set(['22', '23', '42', '54', '40']);

/** The recorded events of one append from the row its statement returned. */
function recordedOf(stream: string, prepared: readonly PreparedEvent[], r: { stream_version: string; first_position: string; recorded_at: Date }): RecordedEvent[] {
  const version = Number(r.stream_version);
  const first = Number(r.first_position);
  const at = r.recorded_at.toISOString();
  return prepared.map((p, i): RecordedEvent => ({
    id: p.id,
    stream,
    type: p.type,
    schemaVersion: p.v,
    data: p.data,
    metadata: p.meta,
    streamPosition: version - prepared.length + i + 1,
    globalPosition: first + i,
    recordedAt: at,
  }));
}

function conflictOf(err: unknown, stream: string, expected: ExpectedVersion): unknown {
  const e = err as { code?: string; detail?: string };
  return e?.code === 'OD001' ? new VersionConflictError(stream, expected, Number(e.detail)) : serverError(err, `the append to '${stream}'`, true);
}

/** A pg error (a refused statement, a dropped connection) as a typed error; OdyErrors pass through. */
function serverError(err: unknown, what: string, write = false): unknown {
  if (OdyError.is(err)) return err;
  const e = err as { message?: string; code?: string };
  const maybe = write ? ' If the connection dropped during the commit the change may or may not be stored: read before retrying.' : '';
  return new EventSourcingError('ODY_EVENTSOURCING_SERVER', `PostgreSQL failed ${what}: ${e?.message ?? String(err)}.${maybe}`, {
    cause: err,
    details: { what, sqlState: e?.code },
  });
}

/**
 * The PostgreSQL event store (node-postgres). Appends are one call of a PL/pgSQL function: compare-
 * and-set on the stream's version, global positions handed out in commit order (gap-free reads).
 * With inline projections the append runs in an explicit transaction shared with them.
 * @example
 * const store = await postgresEventStore({ connectionString: process.env.DATABASE_URL });
 */
export class PostgresEventStore implements EventStore {
  readonly name = 'postgres';
  /** The pool the store queries through. */
  readonly pool: pg.Pool;
  private readonly s: string;
  private readonly ownsPool: boolean;
  private readonly listeners = new Listeners();
  private closed = false;

  private constructor(private readonly options: PostgresEventStoreOptions) {
    if (options.pool === undefined && options.connectionString === undefined) {
      throw new EventSourcingError('ODY_EVENTSOURCING_INVALID_ARGUMENT', 'postgresEventStore needs `pool` or `connectionString`.');
    }
    this.s = quoteSchema(options.schema ?? 'eventstore');
    this.ownsPool = options.pool === undefined;
    this.pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
    // An idle connection dropped by the server must not crash the process (pg emits 'error' on the pool).
    if (this.ownsPool) this.pool.on('error', (err) => options.onError?.(err));
    this.group = new GroupCommit({ write: (batch) => this.writeBatch(batch), maxBatch: options.maxBatch ?? 256, start: 'now' });
  }

  /** Open the store (and migrate its schema unless `migrate: false`). */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    if (options.migrate !== false) {
      try {
        await migrate(store.pool, { schema: options.schema ?? 'eventstore' });
      } catch (err) {
        await store.close();
        throw err;
      }
    }
    return store;
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.open();
    checkStream(stream);
    checkEvents(stream, events);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    const prepared: PreparedEvent[] = events.map((e) => ({ id: e.id ?? newId(), type: e.type, v: e.schemaVersion ?? 1, data: e.data, meta: metadataOf(e) }));
    const projections = this.options.projections ?? [];
    if (projections.length === 0 && (this.options.maxBatch ?? 256) > 1) return this.appendBatched(stream, expected, prepared);
    const notify = this.options.notify === true;
    const sql = `select stream_version, first_position, recorded_at${notify ? ', pg_notify($4, first_position::text)' : ''} from ${this.s}.append_events($1, $2, $3::jsonb)`;
    const params = [stream, String(expected), JSON.stringify(prepared), ...(notify ? [this.channel] : [])];
    let row: { stream_version: string; first_position: string; recorded_at: Date };
    let recorded: RecordedEvent[];
    const build = (r: typeof row) => recordedOf(stream, prepared, r);
    try {
      if (projections.length === 0 || prepared.length === 0) {
        row = (await this.pool.query(sql, params)).rows[0];
        recorded = build(row);
      } else {
        const client = await this.pool.connect();
        try {
          await client.query('begin');
          row = (await client.query(sql, params)).rows[0];
          recorded = build(row);
          await runInline(projections, recorded, client);
          await client.query('commit');
        } catch (err) {
          await client.query('rollback').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      }
    } catch (err) {
      throw conflictOf(err, stream, expected);
    }
    if (recorded.length > 0) this.listeners.fire();
    return { nextExpectedVersion: Number(row.stream_version), events: recorded, lastPosition: recorded.at(-1)?.globalPosition ?? 0 };
  }

  /**
   * Group commit, one batch in flight: the append that finds none goes out at once, the ones called
   * meanwhile together as the next batch (one statement, one transaction, one WAL flush).
   */
  private readonly group: GroupCommit<QueuedAppend, BatchRow>;

  /** Queue an append for the next batch. */
  private async appendBatched(stream: string, expected: ExpectedVersion, prepared: PreparedEvent[]): Promise<AppendResult> {
    const row = await this.group.submit({ stream, expected, prepared });
    if (!row.ok) throw new VersionConflictError(stream, expected, Number(row.stream_version));
    const recorded = recordedOf(stream, prepared, row);
    if (recorded.length > 0) this.listeners.fire();
    return { nextExpectedVersion: Number(row.stream_version), events: recorded, lastPosition: recorded.at(-1)?.globalPosition ?? 0 };
  }

  private async writeBatch(batch: Pending<QueuedAppend, BatchRow>[]): Promise<void> {
    const payload = JSON.stringify(batch.map(({ item: a }) => ({ s: a.stream, x: String(a.expected), e: a.prepared })));
    try {
      const { rows } = await this.pool.query<BatchRow>({
        name: `ody-es-append-batch-${this.s}`,
        text: `select ok, stream_version, first_position, recorded_at from ${this.s}.append_batch($1::jsonb, $2)`,
        values: [payload, this.options.notify === true ? this.channel : null],
      });
      for (const [i, a] of batch.entries()) a.resolve(rows[i]!);
    } catch (err) {
      // A statement the server refused for its content (data, integrity, limit, deadlock classes) was
      // rolled back whole: nothing of the batch is stored. Retry each append alone so one bad append
      // (say, a string jsonb refuses) does not fail the others. Anything else (a dropped or terminated
      // connection) may have hit the commit: each append gets the "may or may not be stored" error.
      const code = (err as { code?: unknown }).code;
      if (batch.length > 1 && typeof code === 'string' && ROLLED_BACK.has(code.slice(0, 2))) {
        for (const a of batch) await this.writeBatch([a]);
        return;
      }
      for (const a of batch) a.reject(conflictOf(err, a.item.stream, a.item.expected));
    }
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    this.open();
    checkStream(stream);
    checkRead(options);
    const backward = options.direction === 'backward';
    const lo = backward ? options.to : options.from;
    const hi = backward ? options.from : options.to;
    const { rows } = await this.query<EventRow>(
      `select ${COLUMNS} from ${this.s}.events e
        where e.stream_id = $1
          and e.stream_position > coalesce((select deleted_at from ${this.s}.streams where stream_id = $1), 0)
          and ($2::bigint is null or e.stream_position >= $2) and ($3::bigint is null or e.stream_position <= $3)
        order by e.stream_position ${backward ? 'desc' : 'asc'} limit $4`,
      [stream, lo ?? null, hi ?? null, options.limit ?? null],
    );
    return rows.map(toEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.open();
    checkRead(options);
    const f = options.filter;
    const { rows } = await this.query<EventRow>(
      `select ${COLUMNS} from ${this.s}.events
        where global_position >= $1
          and ($3::text[] is null or type = any($3))
          and ($4::text is null or left(stream_id, length($4)) = $4)
        order by global_position limit $2`,
      [options.fromPosition ?? 1, options.limit ?? null, f?.types ?? null, f?.streamPrefix ?? null],
    );
    return rows.map(toEvent);
  }

  async streamVersion(stream: string): Promise<number> {
    return (await this.streamInfo(stream)).version;
  }

  async streamInfo(stream: string): Promise<StreamInfo> {
    this.open();
    checkStream(stream);
    const { rows } = await this.query<{ version: string; deleted_at: string }>(`select version, deleted_at from ${this.s}.streams where stream_id = $1`, [stream]);
    const r = rows[0];
    if (r === undefined) return { version: 0, deleted: false };
    const version = Number(r.version);
    const deletedAt = Number(r.deleted_at);
    return { version, deleted: deletedAt > 0 && deletedAt >= version };
  }

  async deleteStream(stream: string, options: AppendOptions = {}): Promise<void> {
    this.open();
    checkStream(stream);
    const expected = options.expectedVersion ?? 'any';
    checkExpected(expected);
    await this.pool.query(`select ${this.s}.delete_stream($1, $2)`, [stream, String(expected)]).catch((err) => {
      throw conflictOf(err, stream, expected);
    });
  }

  /** pool.query with failures as typed errors. */
  private query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params).catch((err: unknown) => Promise.reject(serverError(err, 'a query')));
  }

  async headPosition(): Promise<number> {
    this.open();
    const { rows } = await this.query<{ p: string | null }>(`select max(global_position) as p from ${this.s}.events`);
    return Number(rows[0]?.p ?? 0);
  }

  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    this.open();
    await this.query(
      `insert into ${this.s}.snapshots (stream_id, version, schema_version, state) values ($1, $2, $3, $4::jsonb)
       on conflict (stream_id) do update set version = excluded.version, schema_version = excluded.schema_version, state = excluded.state
       where ${this.s}.snapshots.version <= excluded.version`,
      [snapshot.stream, snapshot.version, snapshot.schemaVersion, JSON.stringify(snapshot.state)],
    );
  }

  async loadSnapshot(stream: string): Promise<Snapshot | undefined> {
    this.open();
    const { rows } = await this.query<{ version: string; schema_version: number; state: unknown }>(
      `select version, schema_version, state from ${this.s}.snapshots where stream_id = $1`,
      [stream],
    );
    const r = rows[0];
    return r === undefined ? undefined : { stream, version: Number(r.version), schemaVersion: r.schema_version, state: r.state };
  }

  onAppended(listener: () => void): () => void {
    const off = this.listeners.add(listener);
    if (this.options.notify === true && this.listening === undefined) this.listening = this.listen();
    return off;
  }

  /** NOTIFY channel of this store's schema. */
  private get channel(): string {
    return `ody_es_${this.s.slice(1, -1)}`.slice(0, 63);
  }

  private listening?: Promise<pg.Client | undefined>;

  /** One LISTEN connection per store; a dropped connection is reopened while the store is open. */
  private async listen(): Promise<pg.Client | undefined> {
    while (!this.closed) {
      const client = new pg.Client(this.pool.options);
      try {
        client.on('notification', () => this.listeners.fire());
        client.on('error', (err) => this.options.onError?.(err));
        await client.connect();
        await client.query(`listen "${this.channel}"`);
        client.once('end', () => {
          if (!this.closed) this.listening = this.listen();
        });
        return client;
      } catch (err) {
        this.options.onError?.(err as Error);
        await client.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    return undefined;
  }

  /** The schema name, quoted for SQL (for projections writing their own tables beside the events). */
  get quotedSchema(): string {
    return this.s;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    const listener = await this.listening;
    await listener?.end().catch(() => undefined);
    if (this.ownsPool) await this.pool.end();
  }

  private open(): void {
    if (this.closed) throw new EventSourcingError('ODY_EVENTSOURCING_STORE_CLOSED', 'The PostgreSQL event store is closed.');
  }
}

/** Open a PostgreSQL event store (migrates its schema unless `migrate: false`). */
export function postgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  return PostgresEventStore.open(options);
}
