import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Dialect } from '../../store/db.js';
import { MlflowError } from '../errors.js';
import { type ColumnRef, columnExpr, likeCondition } from './like.js';
import type { CompareOp, Comparison } from './parse-filter.js';

/** Renders a comparison back as filter text, so errors can name the exact comparison at fault. */
export function describeComparison(c: Comparison): string {
  const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.key) ? c.key : `\`${c.key}\``;
  const lhs = c.prefix ? `${c.prefix}.${key}` : key;
  const quote = (v: string) => `'${v.replace(/'/g, "\\'")}'`;
  const rhs =
    c.value === null ? '' : Array.isArray(c.value) ? ` (${c.value.map(quote).join(', ')})` : typeof c.value === 'number' ? ` ${c.value}` : ` ${quote(c.value)}`;
  return `${lhs} ${c.op}${rhs}`;
}

/** 400 for a comparison that parses but is not allowed where it appears; `why` says which rule it breaks. */
export function invalidComparison(c: Comparison, why: string): MlflowError {
  return MlflowError.invalidParameter(`Invalid filter comparison "${describeComparison(c)}": ${why}`);
}

export function assertOp(c: Comparison, allowed: readonly CompareOp[], subject: string): void {
  if (!allowed.includes(c.op)) throw invalidComparison(c, `operator '${c.op}' is not supported for ${subject}; use one of ${allowed.join(', ')}`);
}

/**
 * `column <op> value` for a text column: = != LIKE ILIKE RLIKE take a quoted string, IN / NOT IN a
 * list. IS [NOT] NULL is left to callers, because for key/value tables it means "key absent".
 */
export function stringCondition(dialect: Dialect, column: ColumnRef, c: Comparison, subject: string): RawBuilder<SqlBool> {
  const col = columnExpr(column);
  if (c.op === 'IN' || c.op === 'NOT IN') {
    if (!Array.isArray(c.value)) throw invalidComparison(c, `${c.op} needs a parenthesised list of quoted values`);
    const list = sql.join(c.value.map((v) => sql`${v}`));
    return c.op === 'IN' ? sql<SqlBool>`${col} IN (${list})` : sql<SqlBool>`${col} NOT IN (${list})`;
  }
  if (typeof c.value !== 'string') throw invalidComparison(c, `${subject} must be compared with a quoted string value`);
  switch (c.op) {
    case '=':
      return sql<SqlBool>`${col} = ${c.value}`;
    case '!=':
      return sql<SqlBool>`${col} <> ${c.value}`;
    case 'LIKE':
    case 'ILIKE':
    case 'RLIKE':
      return likeCondition(dialect, col, c.op, c.value);
    default:
      throw invalidComparison(c, `operator '${c.op}' is not supported for ${subject}`);
  }
}

/**
 * `column <op> number` for a numeric column. The value must be an unquoted number. On PostgreSQL
 * the parameter is cast to double precision so a bigint column compares with 1.5 instead of
 * failing to parse it as bigint.
 */
export function numericCondition(dialect: Dialect, column: ColumnRef, c: Comparison, subject: string): RawBuilder<SqlBool> {
  if (typeof c.value !== 'number') throw invalidComparison(c, `${subject} must be compared with an unquoted number`);
  const col = columnExpr(column);
  const v = dialect === 'postgres' ? sql`CAST(${c.value} AS double precision)` : sql`${c.value}`;
  switch (c.op) {
    case '=':
      return sql<SqlBool>`${col} = ${v}`;
    case '!=':
      return sql<SqlBool>`${col} <> ${v}`;
    case '<':
      return sql<SqlBool>`${col} < ${v}`;
    case '<=':
      return sql<SqlBool>`${col} <= ${v}`;
    case '>':
      return sql<SqlBool>`${col} > ${v}`;
    case '>=':
      return sql<SqlBool>`${col} >= ${v}`;
    default:
      throw invalidComparison(c, `operator '${c.op}' is not supported for ${subject}; use one of =, !=, <, <=, >, >=`);
  }
}
