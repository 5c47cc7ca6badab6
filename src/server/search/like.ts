import type BetterSqlite3 from 'better-sqlite3';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../store/db.js';
import { MlflowError } from '../errors.js';

/** A column as `'alias.column'` text (rendered with sql.ref) or any kysely expression. */
export type ColumnRef = string | Expression<unknown>;

export function columnExpr(column: ColumnRef): Expression<unknown> {
  return typeof column === 'string' ? sql.ref(column) : column;
}

/**
 * MLflow's pattern operators with the same meaning on both dialects:
 * - LIKE is case-sensitive. PostgreSQL's LIKE already is. SQLite's LIKE folds ASCII case and the
 *   only switch (`PRAGMA case_sensitive_like`) is connection-global, so on SQLite the pattern is
 *   translated to an equivalent GLOB (`%`→`*`, `_`→`?`, GLOB metacharacters bracketed).
 * - ILIKE is case-insensitive: PostgreSQL ILIKE; SQLite LIKE (ASCII case folding only, as SQLite
 *   has no Unicode case tables without ICU).
 * - RLIKE is a regular-expression search: PostgreSQL `~` (POSIX); SQLite `REGEXP`, which calls a
 *   user function `regexp(pattern, value)` that the connection must register
 *   (see registerSqliteRegexp); without it SQLite fails with "no such function: REGEXP".
 * In LIKE/ILIKE patterns a backslash escapes the next character (`\%`, `\_`, `\\`) on both dialects,
 * which is PostgreSQL's default escape.
 */
export function likeCondition(dialect: Dialect, column: ColumnRef, op: 'LIKE' | 'ILIKE' | 'RLIKE', pattern: string): RawBuilder<SqlBool> {
  const col = columnExpr(column);
  if (op === 'RLIKE') {
    try {
      new RegExp(pattern);
    } catch {
      throw MlflowError.invalidParameter(`Invalid regular expression '${pattern}' for RLIKE`);
    }
    return dialect === 'postgres' ? sql<SqlBool>`${col} ~ ${pattern}` : sql<SqlBool>`${col} REGEXP ${pattern}`;
  }
  if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) {
    throw MlflowError.invalidParameter(`Invalid ${op} pattern '${pattern}': it ends with an unescaped backslash`);
  }
  if (dialect === 'postgres') return op === 'LIKE' ? sql<SqlBool>`${col} LIKE ${pattern}` : sql<SqlBool>`${col} ILIKE ${pattern}`;
  return op === 'LIKE' ? sql<SqlBool>`${col} GLOB ${likeToGlob(pattern)}` : sql<SqlBool>`${col} LIKE ${pattern} ESCAPE '\\'`;
}

/** Rewrites a SQL LIKE pattern (backslash escapes) as an SQLite GLOB pattern matching the same strings. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) out += globLiteral(pattern[++i]);
    else if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else out += globLiteral(ch);
  }
  return out;
}

// In GLOB a bracket expression holding one character matches exactly that character.
const globLiteral = (ch: string) => (ch === '*' || ch === '?' || ch === '[' ? `[${ch}]` : ch);

/**
 * Registers the `regexp(pattern, value)` function SQLite's REGEXP operator calls, with JavaScript
 * regular-expression semantics (search, not full match, like PostgreSQL `~`). Meant for the
 * connection setup in src/store/db.ts; compiled patterns are cached because SQLite calls it per row.
 */
export function registerSqliteRegexp(sqlite: BetterSqlite3.Database): void {
  const cache = new Map<string, RegExp>();
  sqlite.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof pattern !== 'string' || value === null || value === undefined) return null;
    let re = cache.get(pattern);
    if (!re) {
      re = new RegExp(pattern);
      if (cache.size > 256) cache.clear();
      cache.set(pattern, re);
    }
    return re.test(String(value)) ? 1 : 0;
  });
}
