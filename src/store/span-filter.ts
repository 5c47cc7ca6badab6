import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { MlflowError } from '../server/errors.js';
import type { Dialect } from './db.js';

export interface SpanComparison {
  /** 'name' | 'type' | 'status' | 'attributes.<key>' | 'content' (the part after `span.`). */
  key: string;
  /** = != IN NOT IN LIKE ILIKE RLIKE. */
  op: string;
  value: string | number | string[] | null;
}

/**
 * Trace-search condition for `span.*` filters: true when SOME span of the trace matches.
 * name/type/status use the narrow, indexed span rows; attributes and content unnest the trace's
 * payload rows (slower, but search without these filters never touches payloads). `traceTable` is
 * the outer query's trace_info alias; spans are reached through its trace_key.
 */
export function spanFilterCondition(dialect: Dialect, cmp: SpanComparison, traceTable = 'trace_info'): RawBuilder<SqlBool> {
  const outer: OuterTrace = { id: sql.ref(`${traceTable}.trace_id`), key: sql.ref(`${traceTable}.trace_key`) };
  const op = cmp.op.trim().toUpperCase().replace(/\s+/g, ' ');
  if (cmp.key === 'name' || cmp.key === 'type' || cmp.key === 'status') {
    const column = sql.ref(`s.${cmp.key === 'type' ? 'span_type' : cmp.key}`);
    const value = cmp.key === 'status' ? statusValue(cmp.value) : cmp.value;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = ${outer.key} AND ${compare(dialect, column, op, value)})`;
  }
  if (cmp.key === 'content') {
    if (op !== 'LIKE' && op !== 'ILIKE') throw MlflowError.invalidParameter(`span.content supports LIKE and ILIKE, not '${cmp.op}'`);
    return payloadExists(dialect, outer, (j) => compare(dialect, dialect === 'postgres' ? sql`${j}::text` : j, op, cmp.value));
  }
  if (cmp.key.startsWith('attributes.') && cmp.key.length > 'attributes.'.length) {
    const attr = cmp.key.slice('attributes.'.length).replace(/^`(.*)`$/, '$1');
    if (dialect === 'postgres') return payloadExists(dialect, outer, (j) => compare(dialect, sql`(${j} -> 'attributes' ->> ${attr})`, op, cmp.value));
    const path = `$.attributes."${attr.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    return payloadExists(dialect, outer, (j) => compare(dialect, sql`CAST(json_extract(${j}, ${path}) AS TEXT)`, op, cmp.value));
  }
  throw MlflowError.invalidParameter(`Invalid span filter key 'span.${cmp.key}': use span.name, span.type, span.status, span.attributes.<key> or span.content`);
}

/**
 * EXISTS over this trace's entries in the payload rows its spans point at (a payload row holds every
 * span of one ingest request, so entries are filtered by trace id). `test` gets the entry's JSON.
 */
function payloadExists(dialect: Dialect, outer: OuterTrace, test: (entry: RawBuilder<unknown>) => RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  const ids = sql`(SELECT s.payload_id FROM spans s WHERE s.trace_key = ${outer.key})`;
  if (dialect === 'postgres') {
    const j = sql`j.value`;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM span_payloads p CROSS JOIN LATERAL jsonb_array_elements(p.payload::jsonb) AS j(value) WHERE p.payload_id IN ${ids} AND (j.value ->> 'trace_id') = ${outer.id} AND ${test(j)})`;
  }
  const j = sql`j.value`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM span_payloads p, json_each(glassbox_payload(p.payload)) j WHERE p.payload_id IN ${ids} AND json_extract(j.value, '$.trace_id') = ${outer.id} AND ${test(j)})`;
}

/** The outer query's trace: its id (payload entries carry it) and its key (span rows point at it). */
interface OuterTrace {
  id: ReturnType<typeof sql.ref>;
  key: ReturnType<typeof sql.ref>;
}

/** Accepts OK / STATUS_CODE_OK (either case) for span.status. */
function statusValue(v: SpanComparison['value']): SpanComparison['value'] {
  const norm = (x: string) => x.toUpperCase().replace(/^STATUS_CODE_/, '');
  return typeof v === 'string' ? norm(v) : Array.isArray(v) ? v.map(norm) : v;
}

function compare(dialect: Dialect, column: RawBuilder<unknown> | ReturnType<typeof sql.ref>, op: string, value: SpanComparison['value']): RawBuilder<SqlBool> {
  if (op === 'IN' || op === 'NOT IN') {
    const list = Array.isArray(value) ? value : [String(value)];
    if (list.length === 0) return sql<SqlBool>`${sql.lit(op === 'NOT IN')}`;
    const items = sql.join(list.map((x) => sql`${String(x)}`));
    return op === 'IN' ? sql<SqlBool>`${column} IN (${items})` : sql<SqlBool>`${column} NOT IN (${items})`;
  }
  if (Array.isArray(value)) throw MlflowError.invalidParameter(`Operator '${op}' takes a single value, not a list`);
  if (value === null) {
    if (op === '=') return sql<SqlBool>`${column} IS NULL`;
    if (op === '!=') return sql<SqlBool>`${column} IS NOT NULL`;
    throw MlflowError.invalidParameter(`Operator '${op}' needs a value`);
  }
  const v = String(value);
  switch (op) {
    case '=':
      return sql<SqlBool>`${column} = ${v}`;
    case '!=':
      return sql<SqlBool>`${column} != ${v}`;
    case 'LIKE':
      // SQLite's LIKE ignores ASCII case; GLOB with the pattern translated keeps LIKE case-sensitive as on PostgreSQL.
      return dialect === 'postgres' ? sql<SqlBool>`${column} LIKE ${v}` : sql<SqlBool>`${column} GLOB ${likeToGlob(v)}`;
    case 'ILIKE':
      return dialect === 'postgres' ? sql<SqlBool>`${column} ILIKE ${v}` : sql<SqlBool>`${column} LIKE ${v}`;
    case 'RLIKE':
      // SQLite's REGEXP is the application function db.ts registers.
      return dialect === 'postgres' ? sql<SqlBool>`${column} ~ ${v}` : sql<SqlBool>`${column} REGEXP ${v}`;
    default:
      throw MlflowError.invalidParameter(`Invalid comparator '${op}' for span filters: use =, !=, IN, NOT IN, LIKE, ILIKE or RLIKE`);
  }
}

function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}
