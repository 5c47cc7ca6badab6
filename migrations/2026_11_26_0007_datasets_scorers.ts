import type { Kysely } from 'kysely';

/**
 * MLflow's evaluation datasets (records upserted by their inputs) and registered scorers (one row
 * per experiment and name, immutable numbered versions). JSON is stored as text.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evaluation_datasets')
    .addColumn('dataset_id', 'text', (c) => c.primaryKey()) // "d-" + 32 hex
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('schema', 'text') // JSON {inputs, outputs, expectations, version}, grown as records arrive
    .addColumn('profile', 'text') // JSON {num_records}
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .execute();
  await db.schema.createIndex('evaluation_datasets_name').on('evaluation_datasets').column('name').execute();
  await db.schema.createIndex('evaluation_datasets_created').on('evaluation_datasets').column('created_time').execute();

  await db.schema
    .createTable('evaluation_dataset_tags')
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_dataset_tags_pk', ['dataset_id', 'key'])
    .execute();

  await db.schema
    .createTable('evaluation_dataset_experiments')
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('experiment_id', 'bigint', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_dataset_experiments_pk', ['dataset_id', 'experiment_id'])
    .execute();
  await db.schema.createIndex('evaluation_dataset_experiments_exp').on('evaluation_dataset_experiments').column('experiment_id').execute();

  await db.schema
    .createTable('evaluation_dataset_records')
    .addColumn('dataset_record_id', 'text', (c) => c.primaryKey()) // "dr-" + 32 hex
    .addColumn('dataset_id', 'text', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull()) // sha256 of the inputs as key-sorted JSON
    .addColumn('inputs', 'text', (c) => c.notNull())
    .addColumn('outputs', 'text')
    .addColumn('expectations', 'text')
    .addColumn('tags', 'text')
    .addColumn('source', 'text') // JSON {source_type, source_data}
    .addColumn('source_id', 'text')
    .addColumn('source_type', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .addUniqueConstraint('evaluation_dataset_records_input', ['dataset_id', 'input_hash'])
    .execute();
  // Records page by (created_time, dataset_record_id), as MLflow's cursor tokens do.
  await db.schema
    .createIndex('evaluation_dataset_records_page')
    .on('evaluation_dataset_records')
    .columns(['dataset_id', 'created_time', 'dataset_record_id'])
    .execute();

  await db.schema
    .createTable('scorers')
    .addColumn('scorer_id', 'text', (c) => c.primaryKey()) // uuid
    .addColumn('experiment_id', 'bigint', (c) => c.notNull())
    .addColumn('scorer_name', 'text', (c) => c.notNull())
    .addUniqueConstraint('scorers_experiment_name', ['experiment_id', 'scorer_name'])
    .execute();

  await db.schema
    .createTable('scorer_versions')
    .addColumn('scorer_id', 'text', (c) => c.notNull())
    .addColumn('scorer_version', 'integer', (c) => c.notNull())
    .addColumn('serialized_scorer', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scorer_versions_pk', ['scorer_id', 'scorer_version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['scorer_versions', 'scorers', 'evaluation_dataset_records', 'evaluation_dataset_experiments', 'evaluation_dataset_tags', 'evaluation_datasets']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
