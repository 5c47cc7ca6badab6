import type Database from 'better-sqlite3';

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A prepared statement of this connection, compiled on first use and kept by SQL text, or by `key`
 * when the text is long to build (multi-row inserts). For the raw better-sqlite3 hot paths, where
 * compiling through kysely would cost more than the write.
 */
export function cachedStatement(sqlite: Database.Database, sql: string, build?: () => string): Database.Statement {
  let cache = caches.get(sqlite);
  if (!cache) caches.set(sqlite, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = sqlite.prepare(build ? build() : sql)));
  return stmt;
}
