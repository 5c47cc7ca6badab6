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

export interface SearchExperimentsRequest {
  filter?: string;
  viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  maxResults: number;
  orderBy: string[];
  pageToken?: string;
}

/** The Python server's SEARCH_MAX_RESULTS_THRESHOLD for experiments. */
export const SEARCH_EXPERIMENTS_MAX_RESULTS = 50000;

const ATTRIBUTE_PREFIXES = ['', 'attribute', 'attributes', 'attr'];
const TAG_PREFIXES = ['tag', 'tags'];
const STRING_OPS: CompareOp[] = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMERIC_OPS: CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];

const FILTER_ATTRIBUTES: Record<string, { column: string; type: 'string' | 'number' }> = {
  name: { column: 'e.name', type: 'string' },
  creation_time: { column: 'e.creation_time', type: 'number' },
  last_update_time: { column: 'e.last_update_time', type: 'number' },
};
const ORDER_ATTRIBUTES: Record<string, { column: string; type: 'string' | 'number' }> = {
  ...FILTER_ATTRIBUTES,
  experiment_id: { column: 'e.experiment_id', type: 'number' },
};

/**
 * SearchExperiments (mlflow-protocol.md §2.4): filter on name / creation_time / last_update_time
 * and tags, order by those or experiment_id; the default and tie-breaker order is
 * creation_time DESC, experiment_id ASC.
 */
export async function searchExperiments(store: Store, req: SearchExperimentsRequest): Promise<{ experimentIds: number[]; nextPageToken?: string }> {
  const { dialect } = store;
  if (!Number.isInteger(req.maxResults) || req.maxResults < 0 || req.maxResults > SEARCH_EXPERIMENTS_MAX_RESULTS) {
    throw MlflowError.invalidParameter(
      `Invalid value ${req.maxResults} for parameter 'max_results': it must be an integer between 0 and ${SEARCH_EXPERIMENTS_MAX_RESULTS}`,
    );
  }
  const offset = decodePageToken(req.pageToken);
  const conditions = parseFilter(req.filter).map((c) => experimentCondition(dialect, c));
  const orders = [...req.orderBy.flatMap((clause) => experimentOrder(dialect, parseOrderBy(clause))), ...DEFAULT_ORDER];
  if (req.maxResults === 0) return { experimentIds: [] };

  let q = store.db.selectFrom('experiments as e').select('e.experiment_id');
  if (req.viewType !== 'ALL') q = q.where('e.lifecycle_stage', '=', req.viewType === 'ACTIVE_ONLY' ? 'active' : 'deleted');
  for (const c of conditions) q = q.where(c);
  for (const [expr, dir] of orders) q = q.orderBy(expr, dir);
  const rows = await q.limit(req.maxResults + 1).offset(offset).execute();
  const page = pageOf(rows, req.maxResults, offset);
  return { experimentIds: page.items.map((r) => Number(r.experiment_id)), nextPageToken: page.nextPageToken };
}

function experimentCondition(dialect: Dialect, c: Comparison): RawBuilder<SqlBool> {
  if (TAG_PREFIXES.includes(c.prefix)) {
    assertOp(c, [...STRING_OPS, 'IS NULL', 'IS NOT NULL'], 'tags');
    const exists = sql`SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ${c.key}`;
    if (c.op === 'IS NULL') return sql<SqlBool>`NOT EXISTS (${exists})`;
    if (c.op === 'IS NOT NULL') return sql<SqlBool>`EXISTS (${exists})`;
    return sql<SqlBool>`EXISTS (${exists} AND ${stringCondition(dialect, 't.value', c, 'tags')})`;
  }
  if (!ATTRIBUTE_PREFIXES.includes(c.prefix)) {
    throw invalidComparison(c, `invalid entity type '${c.prefix}'; experiments can be filtered by attributes and tags`);
  }
  const attr = FILTER_ATTRIBUTES[c.key];
  if (!attr) throw invalidComparison(c, `unknown attribute '${c.key}'; valid attributes are ${Object.keys(FILTER_ATTRIBUTES).join(', ')}`);
  if (attr.type === 'number') {
    assertOp(c, NUMERIC_OPS, `attribute '${c.key}'`);
    return numericCondition(dialect, attr.column, c, `attribute '${c.key}'`);
  }
  assertOp(c, STRING_OPS, `attribute '${c.key}'`);
  return stringCondition(dialect, attr.column, c, `attribute '${c.key}'`);
}

type OrderItem = [Expression<unknown>, OrderByDirection];
const DEFAULT_ORDER: OrderItem[] = [
  [sql.ref('e.creation_time'), 'desc'],
  [sql.ref('e.experiment_id'), 'asc'],
];

function experimentOrder(dialect: Dialect, o: OrderBy): OrderItem[] {
  const attr = ATTRIBUTE_PREFIXES.includes(o.prefix) ? ORDER_ATTRIBUTES[o.key] : undefined;
  if (!attr) {
    const written = `${o.prefix ? `${o.prefix}.` : ''}${o.key}`;
    throw MlflowError.invalidParameter(
      `Invalid order_by key '${written}' for experiments: valid keys are ${Object.keys(ORDER_ATTRIBUTES).join(', ')}`,
    );
  }
  const col = sql.ref(attr.column);
  // Names sort by code point on both dialects, not by PostgreSQL's database locale.
  const expr = attr.type === 'string' && dialect === 'postgres' ? sql`${col} COLLATE "C"` : col;
  return [[expr, o.ascending ? 'asc' : 'desc']];
}
