import type pg from 'pg';
import { EventSourcingError } from '../errors.js';

/** A schema name safe to splice into SQL (letters, digits, underscores). */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new EventSourcingError('ODY_EVENTSOURCING_INVALID_ARGUMENT', `PostgreSQL schema name '${schema}' must be letters, digits and underscores (max 63).`, { details: { schema } });
  }
  return `"${schema}"`;
}

/** The DDL of one store schema; every statement is idempotent. */
export function migrationSql(schema: string): string {
  const s = quoteSchema(schema);
  return `
create schema if not exists ${s};
create table if not exists ${s}.streams (
  stream_id text primary key,
  version bigint not null default 0,
  deleted_at bigint not null default 0
);
create table if not exists ${s}.log_head (
  id int primary key check (id = 1),
  position bigint not null
);
insert into ${s}.log_head values (1, 0) on conflict do nothing;
create table if not exists ${s}.events (
  global_position bigint primary key,
  stream_id text not null,
  stream_position bigint not null,
  event_id text not null,
  type text not null,
  schema_version int not null,
  data jsonb not null,
  metadata jsonb not null,
  recorded_at timestamptz not null,
  unique (stream_id, stream_position)
);
create index if not exists events_type on ${s}.events (type, global_position);
create table if not exists ${s}.snapshots (
  stream_id text primary key,
  version bigint not null,
  schema_version int not null,
  state jsonb not null
);
create table if not exists ${s}.checkpoints (
  name text primary key,
  position bigint not null,
  updated_at timestamptz not null default now()
);
create table if not exists ${s}.dead_letters (
  projection text not null,
  global_position bigint not null,
  event jsonb not null,
  error text not null,
  failed_at timestamptz not null default now(),
  primary key (projection, global_position)
);

-- Compare-and-set append. The streams row lock serialises writers of one stream; the log_head row
-- lock, held until commit, hands out global positions in commit order, so a reader can never see
-- position n+1 committed while n is still in flight (no skipped events, no xmin horizon needed).
create or replace function ${s}.append_events(p_stream text, p_expected text, p_events jsonb)
returns table (stream_version bigint, first_position bigint, recorded_at timestamptz)
language plpgsql as $fn$
declare
  v_version bigint;
  v_deleted bigint;
  v_exists boolean;
  v_count int := jsonb_array_length(p_events);
  v_last bigint;
  v_now timestamptz := clock_timestamp();
begin
  -- The log head first, then the stream: the lock order of append_batch (no deadlock between them).
  perform 1 from ${s}.log_head where id = 1 for update;
  insert into ${s}.streams (stream_id) values (p_stream) on conflict do nothing;
  select st.version, st.deleted_at into v_version, v_deleted from ${s}.streams st where st.stream_id = p_stream for update;
  v_exists := v_version > 0 and v_deleted < v_version;
  if not (p_expected = 'any'
      or (p_expected = 'no-stream' and not v_exists)
      or (p_expected = 'exists' and v_exists)
      or (p_expected ~ '^[0-9]+$' and p_expected::bigint = v_version)) then
    raise exception using errcode = 'OD001', message = 'ody version conflict', detail = v_version::text;
  end if;
  if v_count = 0 then
    return query select v_version, 0::bigint, v_now;
    return;
  end if;
  update ${s}.streams set version = v_version + v_count where stream_id = p_stream;
  update ${s}.log_head set position = position + v_count where id = 1 returning position into v_last;
  insert into ${s}.events (global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at)
    select v_last - v_count + e.ord, p_stream, v_version + e.ord, e.value->>'id', e.value->>'type', (e.value->>'v')::int, e.value->'data', e.value->'meta', v_now
    from jsonb_array_elements(p_events) with ordinality as e(value, ord);
  return query select v_version + v_count, v_last - v_count + 1, v_now;
end
$fn$;

-- Several appends (of any streams) in one transaction: one round trip and one WAL flush for all of
-- them (the store's group commit). p_batch: [{s: stream, x: expected, e: [events]}], in order. Each
-- append is checked and written on its own: a version mismatch returns ok = false with the actual
-- version for that append and leaves the others alone. Locks the log head first, then each stream.
create or replace function ${s}.append_batch(p_batch jsonb, p_channel text default null)
returns table (ok boolean, stream_version bigint, first_position bigint, recorded_at timestamptz)
language plpgsql as $fn$
declare
  v_item jsonb;
  v_stream text;
  v_expected text;
  v_version bigint;
  v_deleted bigint;
  v_exists boolean;
  v_count int;
  v_head bigint;
  v_start bigint;
  v_now timestamptz := clock_timestamp();
begin
  select h.position into v_head from ${s}.log_head h where h.id = 1 for update;
  v_start := v_head;
  for v_item in select b.value from jsonb_array_elements(p_batch) with ordinality as b(value, ord) order by b.ord loop
    v_stream := v_item->>'s';
    v_expected := v_item->>'x';
    v_count := jsonb_array_length(v_item->'e');
    insert into ${s}.streams (stream_id) values (v_stream) on conflict do nothing;
    select st.version, st.deleted_at into v_version, v_deleted from ${s}.streams st where st.stream_id = v_stream for update;
    v_exists := v_version > 0 and v_deleted < v_version;
    if not (v_expected = 'any'
        or (v_expected = 'no-stream' and not v_exists)
        or (v_expected = 'exists' and v_exists)
        or (v_expected ~ '^[0-9]+$' and v_expected::bigint = v_version)) then
      return query select false, v_version, 0::bigint, v_now;
      continue;
    end if;
    if v_count = 0 then
      return query select true, v_version, 0::bigint, v_now;
      continue;
    end if;
    update ${s}.streams set version = v_version + v_count where stream_id = v_stream;
    insert into ${s}.events (global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at)
      select v_head + e.ord, v_stream, v_version + e.ord, e.value->>'id', e.value->>'type', (e.value->>'v')::int, e.value->'data', e.value->'meta', v_now
      from jsonb_array_elements(v_item->'e') with ordinality as e(value, ord);
    v_head := v_head + v_count;
    return query select true, v_version + v_count, v_head - v_count + 1, v_now;
  end loop;
  if v_head <> v_start then
    update ${s}.log_head set position = v_head where id = 1;
    if p_channel is not null then perform pg_notify(p_channel, v_head::text); end if;
  end if;
end
$fn$;

create or replace function ${s}.delete_stream(p_stream text, p_expected text)
returns bigint
language plpgsql as $fn$
declare
  v_version bigint := 0;
  v_deleted bigint := 0;
  v_exists boolean;
begin
  select st.version, st.deleted_at into v_version, v_deleted from ${s}.streams st where st.stream_id = p_stream for update;
  v_version := coalesce(v_version, 0);
  v_exists := v_version > 0 and coalesce(v_deleted, 0) < v_version;
  if not (p_expected = 'any'
      or (p_expected = 'no-stream' and not v_exists)
      or (p_expected = 'exists' and v_exists)
      or (p_expected ~ '^[0-9]+$' and p_expected::bigint = v_version)) then
    raise exception using errcode = 'OD001', message = 'ody version conflict', detail = v_version::text;
  end if;
  update ${s}.streams set deleted_at = version where stream_id = p_stream;
  return v_version;
end
$fn$;
`;
}

/**
 * Create (or bring up to date) the event store's tables and functions in `schema`. Idempotent; run it
 * at deploy time or at start. Serialised by an advisory lock so several instances can start at once.
 * @example
 * await migrate(pool, { schema: 'events' });
 */
export async function migrate(pool: pg.Pool | pg.Client, options: { schema?: string } = {}): Promise<void> {
  const schema = options.schema ?? 'eventstore';
  const sql = migrationSql(schema);
  const isPool = typeof (pool as pg.Pool).totalCount === 'number';
  const client = isPool ? await (pool as pg.Pool).connect() : (pool as pg.Client);
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`ody-eventsourcing:${schema}`]);
    try {
      await client.query(sql);
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [`ody-eventsourcing:${schema}`]);
    }
  } finally {
    if (isPool) (client as pg.PoolClient).release();
  }
}
