import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { IS_PROMPT_TAG } from '../prompts/constants.js';
import { MlflowError } from '../server/errors.js';
import type { SearchModelVersionsResponse, SearchRegisteredModelsResponse, SearchRequest } from '../server/schemas/registry.js';
import { type Comparison, assertOp, invalidComparison, numericCondition, parseFilter, parseOrderBy, stringCondition } from '../server/search/index.js';
import type { Dialect, Store } from './db.js';
import { decodePageToken, pageOf } from './page-token.js';
import { DELETED_STAGE, modelsToWire, versionsToWire } from './registry.js';

// search_registered_models and search_model_versions over the SQL store, with MLflow's filter
// grammar for the registry (mlflow-protocol.md §5.2): name (= != LIKE ILIKE), tags.`k`, AND only.

const TEXT_OPS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
const isTag = (c: Comparison) => c.prefix === 'tags' || c.prefix === 'tag';

/** A tag comparison: the entity has tag `key` and its value satisfies the comparison. */
function tagCondition(dialect: Dialect, table: 'registered_model_tags' | 'model_version_tags', c: Comparison, outer: string): RawBuilder<SqlBool> {
  assertOp(c, TEXT_OPS, 'tags');
  const versionJoin = table === 'model_version_tags' ? sql` AND t.version = ${sql.ref(`${outer}.version`)}` : sql``;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table(table)} t WHERE t.name = ${sql.ref(`${outer}.name`)}${versionJoin} AND t.key = ${c.key} AND ${stringCondition(dialect, 't.value', c, 'a tag value')})`;
}

/**
 * Prompts are registered models too, but plain searches must not return them (a model search
 * listing prompts breaks the Python client's model APIs). Like MLflow, only a filter that asks for
 * `is_prompt = 'true'` (or `!= 'false'`) includes them, and then only them. Any other comparison
 * on that tag (the Python client appends `tag.`mlflow.prompt.is_prompt` != 'true'` to every
 * model search) is dropped in favour of the exclusion, since plain models do not carry the tag.
 */
function asksForPrompts(comparisons: Comparison[]): boolean {
  return comparisons.some(
    (c) =>
      isTag(c) &&
      c.key === IS_PROMPT_TAG &&
      typeof c.value === 'string' &&
      ((c.op === '=' && c.value.toLowerCase() === 'true') || (c.op === '!=' && c.value.toLowerCase() === 'false')),
  );
}

const isPromptTagComparison = (c: Comparison) => isTag(c) && c.key === IS_PROMPT_TAG;

function notPrompt(table: 'registered_model_tags' | 'model_version_tags', outer: string): RawBuilder<SqlBool> {
  const versionJoin = table === 'model_version_tags' ? sql` AND t.version = ${sql.ref(`${outer}.version`)}` : sql``;
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM ${sql.table(table)} t WHERE t.name = ${sql.ref(`${outer}.name`)}${versionJoin} AND t.key = ${IS_PROMPT_TAG} AND LOWER(t.value) = 'true')`;
}

function pageSize(req: SearchRequest, fallback: number, max: number): number {
  const n = req.max_results ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw MlflowError.invalidParameter(`Invalid value for request parameter max_results. It must be at most ${max} and at least 1, but got value ${n}`);
  }
  return n;
}

/**
 * Text sort key with the same order on both dialects: SQLite compares bytes, PostgreSQL follows
 * the database collation (en_US puts 'alpha' before 'Beta'), so PostgreSQL sorts with "C".
 */
function sortKey(dialect: Dialect, column: string) {
  return dialect === 'postgres' && column.endsWith('.name') ? sql`${sql.ref(column)} COLLATE "C"` : sql.ref(column);
}

function orderColumns(orderBy: string[], columns: Record<string, string>, what: string): { column: string; dir: 'asc' | 'desc' }[] {
  return orderBy.map((clause) => {
    const o = parseOrderBy(clause);
    const column = o.prefix === '' ? columns[o.key] : undefined;
    if (!column) throw MlflowError.invalidParameter(`Invalid order_by clause '${clause}': ${what} can be ordered by ${Object.keys(columns).join(', ')}`);
    return { column, dir: o.ascending ? 'asc' : 'desc' };
  });
}

export async function searchRegisteredModels(store: Store, req: SearchRequest): Promise<SearchRegisteredModelsResponse> {
  const limit = pageSize(req, 100, 1000);
  const offset = decodePageToken(req.page_token);
  const comparisons = parseFilter(req.filter);
  let q = store.db.selectFrom('registered_models as rm').selectAll('rm');
  const prompts = asksForPrompts(comparisons);
  for (const c of comparisons) {
    if (!prompts && isPromptTagComparison(c)) continue;
    if (isTag(c)) q = q.where(tagCondition(store.dialect, 'registered_model_tags', c, 'rm'));
    else if (c.prefix === '' && c.key === 'name') {
      assertOp(c, TEXT_OPS, 'name');
      q = q.where(stringCondition(store.dialect, 'rm.name', c, 'name'));
    } else throw invalidComparison(c, 'registered models can be filtered by name and tags.<key> only');
  }
  if (!prompts) q = q.where(notPrompt('registered_model_tags', 'rm'));
  const columns = { name: 'rm.name', timestamp: 'rm.last_updated_timestamp', last_updated_timestamp: 'rm.last_updated_timestamp', creation_timestamp: 'rm.creation_timestamp' };
  for (const o of orderColumns(req.order_by, columns, 'registered models')) q = q.orderBy(sortKey(store.dialect, o.column), o.dir);
  const rows = await q.orderBy(sortKey(store.dialect, 'rm.name'), 'asc').limit(limit + 1).offset(offset).execute();
  const page = pageOf(rows, limit, offset);
  return { registered_models: await modelsToWire(store.db, page.items), next_page_token: page.nextPageToken };
}

export async function searchModelVersions(store: Store, req: SearchRequest): Promise<SearchModelVersionsResponse> {
  const limit = pageSize(req, 200_000, 200_000);
  const offset = decodePageToken(req.page_token);
  const comparisons = parseFilter(req.filter);
  let q = store.db.selectFrom('model_versions as mv').selectAll('mv').where('mv.current_stage', '!=', DELETED_STAGE);
  const prompts = asksForPrompts(comparisons);
  for (const c of comparisons) {
    if (!prompts && isPromptTagComparison(c)) continue;
    if (isTag(c)) q = q.where(tagCondition(store.dialect, 'model_version_tags', c, 'mv'));
    else if (c.prefix === '' && c.key === 'name') {
      assertOp(c, TEXT_OPS, 'name');
      q = q.where(stringCondition(store.dialect, 'mv.name', c, 'name'));
    } else if (c.prefix === '' && c.key === 'source_path') {
      assertOp(c, TEXT_OPS, 'source_path');
      q = q.where(stringCondition(store.dialect, 'mv.source', c, 'source_path'));
    } else if (c.prefix === '' && c.key === 'run_id') {
      assertOp(c, ['=', '!=', 'IN', 'NOT IN'], 'run_id');
      q = q.where(stringCondition(store.dialect, 'mv.run_id', c, 'run_id'));
    } else if (c.prefix === '' && c.key === 'version_number') {
      q = q.where(numericCondition(store.dialect, 'mv.version', c, 'version_number'));
    } else throw invalidComparison(c, 'model versions can be filtered by name, version_number, run_id, source_path and tags.<key> only');
  }
  if (!prompts) q = q.where(notPrompt('model_version_tags', 'mv'));
  const columns = {
    name: 'mv.name',
    version_number: 'mv.version',
    creation_timestamp: 'mv.creation_timestamp',
    last_updated_timestamp: 'mv.last_updated_timestamp',
    timestamp: 'mv.creation_timestamp',
  };
  for (const o of orderColumns(req.order_by, columns, 'model versions')) q = q.orderBy(sortKey(store.dialect, o.column), o.dir);
  const rows = await q.orderBy(sortKey(store.dialect, 'mv.name'), 'asc').orderBy('mv.version', 'desc').limit(limit + 1).offset(offset).execute();
  const page = pageOf(rows, limit, offset);
  return { model_versions: await versionsToWire(store.db, page.items), next_page_token: page.nextPageToken };
}
