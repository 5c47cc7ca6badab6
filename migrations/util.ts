import type { Kysely } from 'kysely';

/** Migrations never import src/: this is the one dialect test they share. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

/**
 * Index for `<prefix>.<key> = 'value'` searches on a key/value table. PostgreSQL's b-tree rows are
 * capped at ~2.7 KB and values here go up to 8,000 characters (100,000 for prompt templates), so
 * there the value gets a hash index (no size limit, equality only) beside a b-tree on the key.
 */
export async function createKeyValueIndex(db: Kysely<any>, table: string): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.createIndex(`${table}_key`).on(table).column('key').execute();
    await db.schema.createIndex(`${table}_value_hash`).on(table).using('hash').column('value').execute();
  } else {
    await db.schema.createIndex(`${table}_key_value`).on(table).columns(['key', 'value']).execute();
  }
}
