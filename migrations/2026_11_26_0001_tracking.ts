import { type Kysely, sql } from 'kysely';
import { createKeyValueIndex, isPostgres } from './util.js';

/** Experiments, runs, params, tags, metrics, dataset inputs, logged models: MLflow's tracking entities. */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('experiments')
    .addColumn('experiment_id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('experiment_tags')
    .addColumn('experiment_id', 'bigint', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('run_uuid', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('experiment_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('artifact_uri', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('deleted_time', 'bigint')
    .execute();
  await db.schema.createIndex('runs_experiment_start').on('runs').columns(['experiment_id', 'start_time']).execute();
  // SearchRuns scans an experiment's runs in this index alone (lifecycle filter, default order, id).
  await db.schema.createIndex('runs_experiment_stage_start').on('runs').columns(['experiment_id', 'lifecycle_stage', 'start_time', 'run_uuid']).execute();

  // Key/value tables are probed by (run_uuid, key) for every run a search scans. On SQLite they are
  // WITHOUT ROWID, so that probe finds the value in the primary-key b-tree itself rather than
  // going on to the table (half the lookups of a filtered search_runs). PostgreSQL has no such option.
  const clustered = <T extends { modifyEnd(m: ReturnType<typeof sql>): T }>(t: T) => (pg ? t : t.modifyEnd(sql`without rowid`));
  for (const table of ['params', 'tags'] as const) {
    await clustered(
      db.schema
        .createTable(table)
        .addColumn('run_uuid', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key']),
    ).execute();
  }
  // Search by param/tag value within a key (filters like params.lr = '0.1').
  await createKeyValueIndex(db, 'params');
  await createKeyValueIndex(db, 'tags');

  // Full metric history. NaN is stored as NULL on both dialects (SQLite cannot hold NaN, and one
  // representation keeps search and ordering identical); readers map NULL back to "NaN". The unique
  // index drops exact duplicates as MLflow does; it indexes coalesce(value, 'NaN') because NULLs never
  // collide in a unique index, and a repeated NaN point must be dropped too.
  await db.schema
    .createTable('metrics')
    .addColumn('run_uuid', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('model_id', 'text')
    .addColumn('dataset_name', 'text')
    .addColumn('dataset_digest', 'text')
    .execute();
  await sql`create unique index metrics_unique on metrics (run_uuid, key, step, timestamp, coalesce(value, 'NaN'))`.execute(db);
  // Latest value per (run, key): the largest (step, timestamp, value), maintained on write.
  await clustered(
    db.schema
      .createTable('latest_metrics')
      .addColumn('run_uuid', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision')
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addColumn('step', 'bigint', (c) => c.notNull())
      .addColumn('model_id', 'text')
      .addColumn('dataset_name', 'text')
      .addColumn('dataset_digest', 'text')
      .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key']),
  ).execute();
  // Metric filters (metrics.loss < 0.5): PostgreSQL answers them from this index alone, run ids included.
  await db.schema.createIndex('latest_metrics_key_value').on('latest_metrics').columns(['key', 'value', 'run_uuid']).execute();

  await db.schema
    .createTable('run_inputs')
    .addColumn('run_uuid', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('schema', 'text')
    .addColumn('profile', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addPrimaryKeyConstraint('run_inputs_pk', ['run_uuid', 'name', 'digest'])
    .execute();

  await db.schema
    .createTable('logged_models')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('creation_timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp_ms', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('model_type', 'text')
    .addColumn('source_run_id', 'text')
    .execute();
  await db.schema.createIndex('logged_models_experiment').on('logged_models').columns(['experiment_id', 'creation_timestamp_ms']).execute();
  for (const table of ['logged_model_params', 'logged_model_tags'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('model_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['model_id', 'key'])
      .execute();
  }
  // Logged models a run consumed (LogInputs.models); MLflow keeps them in its generic inputs table.
  await db.schema
    .createTable('run_model_inputs')
    .addColumn('run_uuid', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_model_inputs_pk', ['run_uuid', 'model_id'])
    .execute();
  await db.schema
    .createTable('run_outputs')
    .addColumn('run_uuid', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('run_outputs_pk', ['run_uuid', 'model_id'])
    .execute();

  // Experiment 0, "Default", exists from the start (clients send runs and traces there by default).
  const now = Date.now();
  await db
    .insertInto('experiments')
    .values({ experiment_id: 0, name: 'Default', artifact_location: 'mlflow-artifacts:/0', lifecycle_stage: 'active', creation_time: now, last_update_time: now })
    .execute();
  if (pg) await sql`select setval(pg_get_serial_sequence('experiments', 'experiment_id'), 1, false)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['run_outputs', 'run_model_inputs', 'logged_model_tags', 'logged_model_params', 'logged_models', 'run_inputs', 'latest_metrics', 'metrics', 'tags', 'params', 'runs', 'experiment_tags', 'experiments']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
