import { type Kysely, sql } from 'kysely';
import { isPostgres } from './util.js';

/**
 * A compact, time-ordered integer key per trace (`trace_info.trace_key`), and span rows indexed by
 * (trace_key, span_id) instead of (trace_id, span_id). OTel trace ids are random, so every new
 * trace's spans landed on a random page of the old index: one more dirty page per trace written
 * to the WAL at each commit, which cost a third of ingest throughput. New keys only grow, so span
 * index inserts now append. The random trace id → trace lookup is left to trace_info alone.
 *
 * On SQLite trace_key is trace_info's rowid (INTEGER PRIMARY KEY), which needs a table rebuild;
 * on PostgreSQL it is a bigserial column. Existing rows get keys in request-time order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`ALTER TABLE trace_info ADD COLUMN trace_key bigserial`.execute(db);
  } else {
    await rebuildSqliteTraceInfo(db);
  }
  await sql`ALTER TABLE spans ADD COLUMN trace_key bigint NOT NULL DEFAULT 0`.execute(db);
  await sql`UPDATE spans SET trace_key = COALESCE((SELECT t.trace_key FROM trace_info t WHERE t.trace_id = spans.trace_id), 0)`.execute(db);
  await db.schema.dropIndex('spans_trace_span').execute();
  await db.schema.createIndex('spans_trace_key_span').on('spans').columns(['trace_key', 'span_id']).unique().execute();
}

/** SQLite cannot change a primary key in place: copy into a table keyed by rowid, keep trace_id unique. */
async function rebuildSqliteTraceInfo(db: Kysely<any>): Promise<void> {
  const table = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'trace_info'`.execute(db);
  const indexes = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'trace_info' AND sql IS NOT NULL`.execute(db);
  const columns = (await sql<{ name: string }>`SELECT name FROM pragma_table_info('trace_info')`.execute(db)).rows.map((r) => `"${r.name}"`).join(', ');
  const create = table.rows[0].sql.replace(/^create table "trace_info"/i, 'create table "trace_info_keyed"').replace(/"trace_id" text primary key/i, '"trace_key" integer primary key, "trace_id" text not null unique');
  if (!create.includes('"trace_key" integer primary key') || !create.includes('"trace_info_keyed"')) throw new Error(`unexpected trace_info definition: ${table.rows[0].sql}`);
  await sql.raw(create).execute(db);
  await sql.raw(`INSERT INTO trace_info_keyed (${columns}) SELECT ${columns} FROM trace_info ORDER BY request_time, trace_id`).execute(db);
  await sql`DROP TABLE trace_info`.execute(db);
  await sql`ALTER TABLE trace_info_keyed RENAME TO trace_info`.execute(db);
  for (const { sql: ddl } of indexes.rows) await sql.raw(ddl).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('2026_11_26_0008_trace_keys cannot be reverted');
}
