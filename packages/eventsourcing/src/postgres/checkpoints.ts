import type pg from 'pg';
import { checkpointMoved, type CheckpointStore, type DeadLetter } from '../projections/checkpoints.js';
import type { RecordedEvent } from '../store/types.js';
import { quoteSchema } from './schema.js';

/**
 * Projection checkpoints and dead letters in the event store's schema. `commit` runs the projection's
 * writes through the same pg client and transaction as the checkpoint move (compare-and-set on the
 * old position), so a PostgreSQL read model is updated exactly once per event even across crashes
 * and competing runners.
 * @example
 * new ProjectionRunner(view, { store, checkpoints: new PostgresCheckpointStore(store.pool, { schema: 'eventstore' }) });
 */
export class PostgresCheckpointStore implements CheckpointStore<pg.PoolClient> {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    options: { schema?: string } = {},
  ) {
    this.s = quoteSchema(options.schema ?? 'eventstore');
  }

  async load(projection: string): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(`select position from ${this.s}.checkpoints where name = $1`, [projection]);
    return Number(rows[0]?.position ?? 0);
  }

  async save(projection: string, position: number): Promise<void> {
    await this.pool.query(
      `insert into ${this.s}.checkpoints (name, position) values ($1, $2) on conflict (name) do update set position = excluded.position, updated_at = now()`,
      [projection, position],
    );
  }

  async commit(projection: string, from: number, to: number, work: (tx: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`insert into ${this.s}.checkpoints (name, position) values ($1, 0) on conflict do nothing`, [projection]);
      // Lock the checkpoint row first: a competing runner waits here instead of doing the work twice.
      const { rows } = await client.query<{ position: string }>(`select position from ${this.s}.checkpoints where name = $1 for update`, [projection]);
      if (Number(rows[0]!.position) !== from) throw checkpointMoved(projection, from);
      await work(client);
      await client.query(`update ${this.s}.checkpoints set position = $2, updated_at = now() where name = $1`, [projection, to]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async deadLetter(projection: string, event: RecordedEvent, error: string): Promise<void> {
    await this.pool.query(
      `insert into ${this.s}.dead_letters (projection, global_position, event, error) values ($1, $2, $3::jsonb, $4) on conflict do nothing`,
      [projection, event.globalPosition, JSON.stringify(event), error],
    );
  }

  async deadLetters(projection: string): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<{ event: RecordedEvent; error: string; failed_at: Date }>(
      `select event, error, failed_at from ${this.s}.dead_letters where projection = $1 order by global_position`,
      [projection],
    );
    return rows.map((r) => ({ projection, event: r.event, error: r.error, failedAt: r.failed_at.toISOString() }));
  }
}
