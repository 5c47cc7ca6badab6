import type { Kysely } from 'kysely';

/** Migrations never import src/: this is the one dialect test they share. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}
