import { type Expression, type OrderByDirection, type RawBuilder, type SqlBool, sql } from 'kysely';
import { MlflowError } from '../server/errors.js';
import type { Dataset, SearchEvaluationDatasetsRequest } from '../server/schemas/datasets.js';
import { assertOp, type Comparison, type CompareOp, invalidComparison, numericCondition, type OrderBy, parseFilter, parseOrderBy, stringCondition } from '../server/search/index.js';
import { getDatasets } from './datasets.js';
import type { Dialect, Store } from './db.js';
import { parseExperimentId } from './experiments.js';
import { decodePageToken, pageOf } from './page-token.js';

const STRING_OPS: CompareOp[] = ['=', '!=', 'LIKE', 'ILIKE'];
const NUMERIC_OPS: CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];

const FILTER_ATTRIBUTES: Record<string, 'string' | 'number'> = {
  name: 'string',
  created_time: 'number',
  last_update_time: 'number',
  created_by: 'string',
  last_updated_by: 'string',
};
const ORDER_ATTRIBUTES = ['name', 'created_time', 'last_update_time'];

/**
 * SearchEvaluationDatasets (MLflow's SearchEvaluationDatasetsUtils): filter on name, created_time,
 * last_update_time, created_by, last_updated_by and tags.<key>; order by name / created_time /
 * last_update_time, created_time DESC by default, dataset_id DESC breaking ties; offset page tokens.
 */
export async function searchEvaluationDatasets(store: Store, req: SearchEvaluationDatasetsRequest): Promise<{ datasets: Dataset[]; nextPageToken?: string }> {
  const { db, dialect } = store;
  const offset = decodePageToken(req.page_token);
  const conditions = parseFilter(req.filter_string).map((c) => datasetCondition(dialect, c));
  const orders = req.order_by.length ? req.order_by.map((o) => datasetOrder(dialect, parseOrderBy(o))) : [[sql.ref('d.created_time'), 'desc'] as OrderItem];
  const experimentIds = req.experiment_ids.map(parseExperimentId);

  let q = db.selectFrom('evaluation_datasets as d').select('d.dataset_id');
  if (experimentIds.length) {
    q = q.where('d.dataset_id', 'in', (eb) => eb.selectFrom('evaluation_dataset_experiments').select('dataset_id').where('experiment_id', 'in', experimentIds));
  }
  for (const c of conditions) q = q.where(c);
  for (const [expr, dir] of orders) q = q.orderBy(expr, dir);
  const rows = await q.orderBy('d.dataset_id', 'desc').limit(req.max_results + 1).offset(offset).execute();
  const page = pageOf(rows, req.max_results, offset);
  return { datasets: await getDatasets(db, page.items.map((r) => r.dataset_id)), nextPageToken: page.nextPageToken };
}

function datasetCondition(dialect: Dialect, c: Comparison): RawBuilder<SqlBool> {
  if (c.prefix === 'tags' || c.prefix === 'tag') {
    assertOp(c, STRING_OPS, 'tags');
    const exists = sql`SELECT 1 FROM evaluation_dataset_tags t WHERE t.dataset_id = d.dataset_id AND t.key = ${c.key}`;
    return sql<SqlBool>`EXISTS (${exists} AND ${stringCondition(dialect, 't.value', c, 'tags')})`;
  }
  const type = c.prefix === '' ? FILTER_ATTRIBUTES[c.key] : undefined;
  if (!type) {
    throw invalidComparison(c, `unknown key; datasets can be filtered by ${Object.keys(FILTER_ATTRIBUTES).join(', ')} and tags.<key>`);
  }
  if (type === 'number') {
    assertOp(c, NUMERIC_OPS, `attribute '${c.key}'`);
    return numericCondition(dialect, `d.${c.key}`, c, `attribute '${c.key}'`);
  }
  assertOp(c, STRING_OPS, `attribute '${c.key}'`);
  return stringCondition(dialect, `d.${c.key}`, c, `attribute '${c.key}'`);
}

type OrderItem = [Expression<unknown>, OrderByDirection];

function datasetOrder(dialect: Dialect, o: OrderBy): OrderItem {
  if (o.prefix !== '' || !ORDER_ATTRIBUTES.includes(o.key)) {
    const written = `${o.prefix ? `${o.prefix}.` : ''}${o.key}`;
    throw MlflowError.invalidParameter(`Invalid order_by key '${written}' for datasets: valid keys are ${ORDER_ATTRIBUTES.join(', ')}`);
  }
  const col = sql.ref(`d.${o.key}`);
  // Names sort by code point on both dialects, not by PostgreSQL's database locale.
  const expr = o.key === 'name' && dialect === 'postgres' ? sql`${col} COLLATE "C"` : col;
  return [expr, o.ascending ? 'asc' : 'desc'];
}
