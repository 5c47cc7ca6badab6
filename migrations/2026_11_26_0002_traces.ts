import { type Kysely, sql } from 'kysely';
import { createKeyValueIndex } from './util.js';

/**
 * Trace info, tags, metadata and assessments: the searchable "header" of a trace. Span rows live
 * in their own tables (0003) so that listing and searching traces never touches span payloads.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trace_info')
    .addColumn('trace_id', 'text', (c) => c.primaryKey()) // "tr-" + 32 hex
    .addColumn('experiment_id', 'bigint', (c) => c.notNull())
    .addColumn('request_time', 'bigint', (c) => c.notNull()) // ms, start of the root span
    .addColumn('execution_duration', 'bigint') // ms; null while unknown
    .addColumn('state', 'text', (c) => c.notNull()) // OK | ERROR | IN_PROGRESS | STATE_UNSPECIFIED
    .addColumn('request_preview', 'text')
    .addColumn('response_preview', 'text')
    .addColumn('client_request_id', 'text')
    .addColumn('num_spans', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('input_tokens', 'bigint')
    .addColumn('output_tokens', 'bigint')
    .addColumn('total_tokens', 'bigint')
    .addColumn('cost', 'double precision')
    .addColumn('root_span_id', 'text')
    // 1 once StartTraceV3 (or a traces.json upload) delivered the client's final TraceInfo.
    .addColumn('info_finalized', 'integer', (c) => c.notNull().defaultTo(0))
    // 1 once at least one span arrived over OTLP: then the tag mlflow.trace.spansLocation=TRACKING_STORE is reported.
    .addColumn('spans_in_store', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // What span ingest derives for the trace, kept in its header row instead of as tag/metadata rows
    // (one row write per trace instead of ~7): the trace API reports them as metadata
    // mlflow.trace.cost / session / user / sizeStats / sizeBytes unless a row of that key exists
    // (client values win). Each text column holds the metadata value exactly as reported.
    .addColumn('cost_json', 'text') // {"input_cost":…,"output_cost":…,"total_cost":…}
    .addColumn('session_json', 'text') // JSON string, e.g. "\"s-1\""
    .addColumn('user_json', 'text')
    .addColumn('size_stats', 'text') // {"total_size_bytes":…,"num_spans":…,"max":…,"p25":…,"p50":…,"p75":…}
    .addColumn('size_bytes', 'bigint')
    .execute();
  // Ordered like search's default `request_time DESC, trace_id ASC`, so a page is read straight off the
  // index; with plain ascending columns the mixed directions forced a sort of every matching trace.
  await sql`create index trace_info_exp_time on trace_info (experiment_id, request_time desc, trace_id)`.execute(db);
  await sql`create index trace_info_exp_state_time on trace_info (experiment_id, state, request_time desc, trace_id)`.execute(db);
  await db.schema.createIndex('trace_info_exp_duration').on('trace_info').columns(['experiment_id', 'execution_duration']).execute();

  for (const table of ['trace_tags', 'trace_metadata'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('trace_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['trace_id', 'key'])
      .execute();
    await createKeyValueIndex(db, table);
  }

  await db.schema
    .createTable('assessments')
    .addColumn('assessment_id', 'text', (c) => c.primaryKey()) // "a-" + 32 hex
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // feedback | expectation | issue
    .addColumn('value_json', 'text') // JSON of feedback/expectation value (or serialized_value object)
    .addColumn('error_json', 'text') // JSON of feedback.error
    .addColumn('span_id', 'text')
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('rationale', 'text')
    .addColumn('metadata_json', 'text')
    .addColumn('overrides', 'text')
    .addColumn('valid', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('create_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assessments_trace').on('assessments').column('trace_id').execute();
  await db.schema.createIndex('assessments_name').on('assessments').columns(['name', 'kind']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['assessments', 'trace_metadata', 'trace_tags', 'trace_info']) await db.schema.dropTable(t).ifExists().execute();
}
