import type { Kysely } from 'kysely';
import { isPostgres } from './util.js';

/**
 * Users, API tokens and per-resource permissions for the optional auth layer (off by default).
 * Secrets are never stored: passwords as scrypt strings, tokens as SHA-256 hex of the token.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('users')
    .addColumn('user_id', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull()) // scrypt$N$r$p$salt$hash (base64)
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('token_id', 'text', (c) => c.primaryKey()) // public id, shown by `users token list`
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique()) // sha256 hex of the whole token
    .addColumn('name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

  // resource_type is 'experiment' (resource_id = experiment id) or 'registered_model' (= model name).
  await db.schema
    .createTable('permissions')
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('permission', 'text', (c) => c.notNull()) // READ | EDIT | MANAGE | NO_PERMISSIONS
    .addPrimaryKeyConstraint('permissions_pk', ['user_id', 'resource_type', 'resource_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['permissions', 'api_tokens', 'users']) await db.schema.dropTable(t).ifExists().execute();
}
