import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, type LogConfig, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { registerSqliteRegexp } from '../server/search/like.js';
import { startBackgroundCheckpoint } from './background-checkpoint.js';
import { payloadJsonText } from './payload-pack.js';
import type { Database as Schema } from './schema.js';

export type Db = Kysely<Schema>;
export type Dialect = 'sqlite' | 'postgres';

/** A connected store: kysely for queries; the raw better-sqlite3 handle for the few hot paths. */
export interface Store {
  db: Db;
  dialect: Dialect;
  /** Present on SQLite only: used by bulk writers where kysely's per-query compile would dominate. */
  sqlite?: Database.Database;
  close(): Promise<void>;
}

/** sqlite:///rel.db, sqlite:////abs.db, sqlite:path, or postgres(ql)://… */
export function parseStoreUri(uri: string): { dialect: Dialect; target: string } {
  if (/^postgres(ql)?(\+\w+)?:\/\//.test(uri)) return { dialect: 'postgres', target: uri.replace(/^postgres(ql)?\+\w+:/, 'postgresql:') };
  const m = /^sqlite:(\/\/\/?)?(.*)$/.exec(uri);
  if (m) {
    const path = m[2];
    if (path === '' || path === ':memory:') return { dialect: 'sqlite', target: ':memory:' };
    return { dialect: 'sqlite', target: resolve(path) };
  }
  throw new Error(`Unsupported backend store URI '${uri}': use sqlite:///path/to.db or postgresql://user@host:port/db`);
}

export function createStore(uri: string): Store {
  const { dialect, target } = parseStoreUri(uri);
  if (dialect === 'sqlite') {
    if (target !== ':memory:') mkdirSync(dirname(target), { recursive: true });
    const sqlite = new Database(target);
    // WAL + NORMAL: a committed transaction survives kill -9. Checkpoints run in a worker thread
    // (background-checkpoint.ts); the big autocheckpoint is the fallback when that falls behind.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = OFF');
    sqlite.pragma('temp_store = MEMORY');
    sqlite.pragma('cache_size = -32768');
    sqlite.pragma('wal_autocheckpoint = 20000');
    // RLIKE filters compile to REGEXP, which SQLite leaves to the application to define.
    registerSqliteRegexp(sqlite);
    // span.attributes / span.content filters read payload rows in SQL; compressed ones are inflated here.
    sqlite.function('glassbox_payload', { deterministic: true }, (v: unknown) => (v === null ? null : payloadJsonText(v as string | Uint8Array)));
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }), log: slowQueryLog() });
    const checkpoint = target === ':memory:' ? undefined : startBackgroundCheckpoint(target);
    return {
      db,
      dialect,
      sqlite,
      close: async () => {
        await checkpoint?.stop();
        await db.destroy();
      },
    };
  }
  // int8 and numeric come back as strings from pg; every int8 we store (ms times, counts) fits a double.
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === 20 || oid === 1700) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: target, max: 10, types });
  pool.on('error', (err) => console.error('[glassbox] postgres pool error', err.message));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), log: slowQueryLog() });
  return { db, dialect, close: () => db.destroy() };
}

/** GLASSBOX_SLOW_QUERY_MS: log every query slower than this to stderr (off unless set). */
function slowQueryLog(): LogConfig | undefined {
  const threshold = Number(process.env.GLASSBOX_SLOW_QUERY_MS);
  if (!(threshold > 0)) return undefined;
  return (event) => {
    if (event.queryDurationMillis >= threshold) {
      console.warn(`[glassbox] slow query ${event.queryDurationMillis.toFixed(1)} ms: ${event.query.sql.slice(0, 300)}`);
    }
  };
}
