import { type Expression, type OrderByDirection, type RawBuilder, type SqlBool, sql } from 'kysely';
import { MlflowError } from '../server/errors.js';
import {
  assertOp,
  type Comparison,
  type CompareOp,
  invalidComparison,
  numericCondition,
  type OrderBy,
  parseFilter,
  parseOrderBy,
  stringCondition,
} from '../server/search/index.js';
import type { Dialect, Store } from './db.js';
import { decodePageToken, pageOf } from './page-token.js';

export interface SearchRunsRequest {
  experimentIds: string[];
  filter?: string;
  runViewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

/** The Python server's SEARCH_MAX_RESULTS_THRESHOLD for runs. */
export const SEARCH_RUNS_MAX_RESULTS = 50000;

type Entity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';
const ENTITY_BY_PREFIX: Record<string, Entity> = {
  metrics: 'metric', metric: 'metric',
  params: 'param', param: 'param', parameter: 'param', parameters: 'param',
  tags: 'tag', tag: 'tag',
  attributes: 'attribute', attribute: 'attribute', attr: 'attribute', run: 'attribute', '': 'attribute',
  datasets: 'dataset', dataset: 'dataset',
};

const STRING_OPS: CompareOp[] = ['=', '!=', 'LIKE', 'ILIKE'];
const KEY_VALUE_OPS: CompareOp[] = [...STRING_OPS, 'IS NULL', 'IS NOT NULL'];
const NUMERIC_OPS: CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];
const LIST_OPS: CompareOp[] = [...STRING_OPS, 'IN', 'NOT IN'];

/** Run attributes a filter or order_by may name: the runs column and whether it is text or a time. */
const ATTRIBUTES: Record<string, { column: string; type: 'string' | 'number'; ops: CompareOp[]; nullable?: boolean }> = {
  run_id: { column: 'r.run_uuid', type: 'string', ops: LIST_OPS },
  run_name: { column: 'r.name', type: 'string', ops: STRING_OPS },
  'run name': { column: 'r.name', type: 'string', ops: STRING_OPS },
  user_id: { column: 'r.user_id', type: 'string', ops: STRING_OPS },
  status: { column: 'r.status', type: 'string', ops: STRING_OPS },
  artifact_uri: { column: 'r.artifact_uri', type: 'string', ops: STRING_OPS },
  start_time: { column: 'r.start_time', type: 'number', ops: NUMERIC_OPS },
  created: { column: 'r.start_time', type: 'number', ops: NUMERIC_OPS },
  end_time: { column: 'r.end_time', type: 'number', ops: NUMERIC_OPS, nullable: true },
};
const DATASET_KEYS = ['name', 'digest', 'context'];

/**
 * SearchRuns (mlflow-protocol.md §2.4): the whole filter and order_by compile into one SQL query
 * over `runs`: each comparison is a correlated EXISTS on params, tags, latest_metrics or run_inputs
 * (a (run_uuid, key) primary-key probe), each metric/param/tag order key a LEFT JOIN. Paging is
 * offset-based, fetching one extra row to know whether another page exists.
 */
export async function searchRuns(store: Store, req: SearchRunsRequest): Promise<{ runIds: string[]; nextPageToken?: string }> {
  const { dialect } = store;
  if (!Number.isInteger(req.maxResults) || req.maxResults < 0 || req.maxResults > SEARCH_RUNS_MAX_RESULTS) {
    throw MlflowError.invalidParameter(
      `Invalid value ${req.maxResults} for parameter 'max_results': it must be an integer between 0 and ${SEARCH_RUNS_MAX_RESULTS}`,
    );
  }
  const offset = decodePageToken(req.pageToken);
  const experimentIds = req.experimentIds.map((id) => {
    if (!/^\d+$/.test(id)) throw MlflowError.invalidParameter(`Invalid experiment id '${id}': it must be a decimal integer`);
    return Number(id);
  });
  const conditions = parseFilter(req.filter).map((c) => runCondition(dialect, c));
  const orders = req.orderBy.map((clause, i) => runOrder(dialect, parseOrderBy(clause), i));
  if (experimentIds.length === 0 || req.maxResults === 0) return { runIds: [] };

  let q = store.db.selectFrom('runs as r').select('r.run_uuid').where('r.experiment_id', 'in', experimentIds);
  if (req.runViewType !== 'ALL') q = q.where('r.lifecycle_stage', '=', req.runViewType === 'ACTIVE_ONLY' ? 'active' : 'deleted');
  for (const c of conditions) q = q.where(c);
  for (const { join } of orders) {
    if (!join) continue;
    const on = sql<SqlBool>`${sql.ref(`${join.alias}.run_uuid`)} = r.run_uuid AND ${sql.ref(`${join.alias}.key`)} = ${join.key}`;
    // The joined alias is only read through raw sql refs, so the builder's static type need not know it.
    q = q.leftJoin(sql.table(join.table).as(join.alias), (jb) => jb.on(on)) as unknown as typeof q;
  }
  for (const [expr, dir] of [...orders.flatMap((o) => o.items), ...DEFAULT_ORDER]) q = q.orderBy(expr, dir);
  const rows = await q.limit(req.maxResults + 1).offset(offset).execute();
  const page = pageOf(rows, req.maxResults, offset);
  return { runIds: page.items.map((r) => r.run_uuid), nextPageToken: page.nextPageToken };
}

function entityOf(prefix: string, what: string): Entity {
  const entity = ENTITY_BY_PREFIX[prefix];
  if (!entity) {
    throw MlflowError.invalidParameter(
      `Invalid entity type '${prefix}' in ${what}: valid prefixes are metrics, params, tags, attributes and datasets (or their singular forms)`,
    );
  }
  return entity;
}

function attributeOf(key: string, what: string) {
  const attr = ATTRIBUTES[key];
  if (!attr) {
    throw MlflowError.invalidParameter(`Invalid attribute key '${key}' in ${what}: valid keys are ${Object.keys(ATTRIBUTES).join(', ')}`);
  }
  return attr;
}

/** One filter comparison as a boolean SQL expression correlated to `runs r`. */
function runCondition(dialect: Dialect, c: Comparison): RawBuilder<SqlBool> {
  const subject = `${c.prefix}.${c.key}`;
  switch (entityOf(c.prefix, `filter comparison on '${subject}'`)) {
    case 'metric': {
      assertOp(c, NUMERIC_OPS, 'metrics');
      // NaN never satisfies a comparison: it is NULL on SQLite, and PostgreSQL would otherwise treat
      // NaN as equal to itself and larger than every number.
      const notNaN = dialect === 'postgres' ? sql`AND m.value <> 'NaN'::float8` : sql``;
      return sql<SqlBool>`EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_uuid = r.run_uuid AND m.key = ${c.key}
        AND ${numericCondition(dialect, 'm.value', c, 'metrics')} ${notNaN})`;
    }
    case 'param':
      return keyValueCondition(dialect, 'params', c, 'params');
    case 'tag':
      return keyValueCondition(dialect, 'tags', c, 'tags');
    case 'attribute': {
      const attr = ATTRIBUTES[c.key];
      if (!attr) throw invalidComparison(c, `unknown attribute '${c.key}'; valid attributes are ${Object.keys(ATTRIBUTES).join(', ')}`);
      assertOp(c, attr.ops, `attribute '${c.key}'`);
      return attr.type === 'number'
        ? numericCondition(dialect, attr.column, c, `attribute '${c.key}'`)
        : stringCondition(dialect, attr.column, c, `attribute '${c.key}'`);
    }
    case 'dataset': {
      if (!DATASET_KEYS.includes(c.key)) throw invalidComparison(c, `unknown dataset key '${c.key}'; valid keys are ${DATASET_KEYS.join(', ')}`);
      assertOp(c, LIST_OPS, 'datasets');
      const column = c.key === 'context' ? datasetContext(dialect) : sql.ref(`i.${c.key}`);
      return sql<SqlBool>`EXISTS (SELECT 1 FROM run_inputs i WHERE i.run_uuid = r.run_uuid
        AND ${stringCondition(dialect, column, c, `datasets.${c.key}`)})`;
    }
  }
}

/** params/tags: IS NULL means the run has no such key; every other operator needs the key present. */
function keyValueCondition(dialect: Dialect, table: 'params' | 'tags', c: Comparison, subject: string): RawBuilder<SqlBool> {
  assertOp(c, KEY_VALUE_OPS, subject);
  const kv = sql.table(table);
  if (c.op === 'IS NULL') return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM ${kv} kv WHERE kv.run_uuid = r.run_uuid AND kv.key = ${c.key})`;
  if (c.op === 'IS NOT NULL') return sql<SqlBool>`EXISTS (SELECT 1 FROM ${kv} kv WHERE kv.run_uuid = r.run_uuid AND kv.key = ${c.key})`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${kv} kv WHERE kv.run_uuid = r.run_uuid AND kv.key = ${c.key}
    AND ${stringCondition(dialect, 'kv.value', c, subject)})`;
}

/**
 * A dataset input's context is its input tag `mlflow.data.context`, kept in run_inputs.tags as
 * JSON text `[{"key": …, "value": …}]`; this extracts it (NULL when absent) on either dialect.
 */
function datasetContext(dialect: Dialect): RawBuilder<string | null> {
  return dialect === 'postgres'
    ? sql`(SELECT je->>'value' FROM jsonb_array_elements(i.tags::jsonb) je WHERE je->>'key' = 'mlflow.data.context' LIMIT 1)`
    : sql`(SELECT json_extract(je.value, '$.value') FROM json_each(i.tags) je
        WHERE json_extract(je.value, '$.key') = 'mlflow.data.context' LIMIT 1)`;
}

type OrderItem = [Expression<unknown>, OrderByDirection];
/** A LEFT JOIN an order key needs: at most one row per run, since (run_uuid, key) is the table's primary key. */
interface OrderJoin {
  table: 'latest_metrics' | 'params' | 'tags';
  alias: string;
  key: string;
}
const DEFAULT_ORDER: OrderItem[] = [
  [sql.ref('r.start_time'), 'desc'],
  [sql.ref('r.run_uuid'), 'asc'],
];

/** Text sorts by code point on both dialects (PostgreSQL would otherwise use the database locale). */
const text = (dialect: Dialect, e: Expression<unknown>) => (dialect === 'postgres' ? sql`${e} COLLATE "C"` : e);

/**
 * One order_by entry as ORDER BY items, plus the join that supplies a metric/param/tag value.
 * Joins beat correlated subqueries here: one primary-key probe per run instead of two (value and
 * rank), which halves the time to sort 10,000 runs on SQLite. Missing values sort last in either
 * direction, as MLflow does; for metrics NaN sorts after every number and before a missing metric.
 */
function runOrder(dialect: Dialect, o: OrderBy, index: number): { items: OrderItem[]; join?: OrderJoin } {
  const dir: OrderByDirection = o.ascending ? 'asc' : 'desc';
  const what = `order_by clause on '${o.prefix ? `${o.prefix}.` : ''}${o.key}'`;
  const alias = `o${index}`;
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  switch (entityOf(o.prefix, what)) {
    case 'metric': {
      const value = ref('value');
      const isNaN = dialect === 'postgres' ? sql`${value} IS NULL OR ${value} = 'NaN'::float8` : sql`${value} IS NULL`;
      const rank = sql`CASE WHEN ${ref('run_uuid')} IS NULL THEN 2 WHEN ${isNaN} THEN 1 ELSE 0 END`;
      return { items: [[rank, 'asc'], [value, dir]], join: { table: 'latest_metrics', alias, key: o.key } };
    }
    case 'param':
    case 'tag': {
      const value = ref('value');
      const table = ENTITY_BY_PREFIX[o.prefix] === 'param' ? 'params' : 'tags';
      return { items: [[sql`CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END`, 'asc'], [text(dialect, value), dir]], join: { table, alias, key: o.key } };
    }
    case 'attribute': {
      const attr = attributeOf(o.key, what);
      const col = sql.ref(attr.column);
      const items: OrderItem[] = attr.nullable ? [[sql`CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END`, 'asc']] : [];
      items.push([attr.type === 'string' ? text(dialect, col) : col, dir]);
      return { items };
    }
    case 'dataset':
      throw MlflowError.invalidParameter(`Invalid ${what}: runs cannot be ordered by dataset fields`);
  }
}
