import type { Kysely } from 'kysely';
import { isPostgres } from './util.js';

/**
 * Spans, split for speed (see shared/docs/ingest-measurements.md):
 * - `spans`: one narrow row per span (ids, name, type, status, times) in an ordinary rowid table.
 *   (trace_id, span_id) is unique, so a re-sent span is ignored, and serves trace search's span
 *   filters. Nanosecond times are kept exact as decimal text beside integer milliseconds.
 * - `span_payloads`: the heavy part (attributes, events, links) of all spans of one ingest request
 *   as one JSON array, appended in rowid order with no secondary index: one row write per request.
 *   Each span row points at its payload row. Listing and searching traces never reads it; getting a
 *   trace reads the few rows its spans point at; span.attributes / span.content filters unnest it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('spans')
    .addColumn('trace_id', 'text', (c) => c.notNull()) // "tr-" + 32 hex
    .addColumn('span_id', 'text', (c) => c.notNull()) // 16 hex
    .addColumn('parent_span_id', 'text') // null for a root span
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('span_type', 'text', (c) => c.notNull()) // MLflow span type, UNKNOWN when none
    .addColumn('status', 'text', (c) => c.notNull()) // UNSET | OK | ERROR
    .addColumn('start_time_ms', 'bigint', (c) => c.notNull())
    .addColumn('end_time_ms', 'bigint')
    .addColumn('start_time_ns', 'text', (c) => c.notNull())
    .addColumn('end_time_ns', 'text')
    .addColumn('payload_id', 'bigint', (c) => c.notNull()) // span_payloads row holding attributes/events
    .execute();
  // Trace search filters on span name/type/status through correlated EXISTS probes by trace id, which
  // this index serves (a few rows per trace). Indexes on name or type alone are not created: each cost
  // a B-tree insert per span at ingest, and SQLite picked them for those probes, scanning every span of
  // that name once per trace. payload_id is indexed (append-only, as ids only grow) so that deleting
  // traces can find payload rows still referenced without scanning every span.
  await db.schema.createIndex('spans_trace_span').on('spans').columns(['trace_id', 'span_id']).unique().execute();
  await db.schema.createIndex('spans_payload').on('spans').column('payload_id').execute();

  await db.schema
    .createTable('span_payloads')
    .addColumn('payload_id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    // JSON: [{trace_id, span_id, kind, status_message, attributes: {k: value}, events: [...], links: [...]}]
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['span_payloads', 'spans']) await db.schema.dropTable(t).ifExists().execute();
}
