import type { Kysely } from 'kysely';
import { createKeyValueIndex } from './util.js';

/**
 * MLflow's model registry: registered models, their versions, tags and aliases. Prompts are
 * registered models tagged `mlflow.prompt.is_prompt=true`, so they live here too.
 * The model name is the key everywhere (as in MLflow); a rename rewrites it in every table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('registered_models')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('user_id', 'text')
    .execute();
  await db.schema
    .createTable('registered_model_tags')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['name', 'key'])
    .execute();
  // Prompt hiding filters every search on (key='mlflow.prompt.is_prompt', value).
  await createKeyValueIndex(db, 'registered_model_tags');
  await db.schema
    .createTable('registered_model_aliases')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_aliases_pk', ['name', 'alias'])
    .execute();

  // A deleted version stays as a tombstone (current_stage 'Deleted_Internal', as MLflow's SQL
  // store does) so that max(version)+1 never hands out a number twice.
  await db.schema
    .createTable('model_versions')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('user_id', 'text')
    .addColumn('current_stage', 'text', (c) => c.notNull().defaultTo('None'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('run_link', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('READY'))
    .addColumn('status_message', 'text')
    .addColumn('model_id', 'text')
    .addPrimaryKeyConstraint('model_versions_pk', ['name', 'version'])
    .execute();
  await db.schema
    .createTable('model_version_tags')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['name', 'version', 'key'])
    .execute();
  await createKeyValueIndex(db, 'model_version_tags');
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['model_version_tags', 'model_versions', 'registered_model_aliases', 'registered_model_tags', 'registered_models']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
