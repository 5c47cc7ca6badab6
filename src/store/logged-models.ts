import { randomBytes, randomInt } from 'node:crypto';
import { type ExpressionBuilder, sql } from 'kysely';
import { MlflowError } from '../server/errors.js';
import { doubleToJson, type KeyValue } from '../server/schemas/common.js';
import type { LoggedModel, LoggedModelOrderBy, LoggedModelStatus } from '../server/schemas/logged-models.js';
import { type Comparison, invalidComparison, numericCondition, stringCondition } from '../server/search/index.js';
import type { Db, Dialect } from './db.js';
import type { Database } from './schema.js';

type Row = Database['logged_models'];

export interface NewLoggedModel {
  experiment_id: string;
  name?: string;
  model_type?: string;
  source_run_id?: string;
  params: KeyValue[];
  tags: KeyValue[];
}

const ADJECTIVES = ['bold', 'calm', 'clever', 'eager', 'gentle', 'keen', 'lucky', 'merry', 'quiet', 'swift', 'wise', 'zesty'];
const NOUNS = ['ant', 'bear', 'cat', 'crow', 'deer', 'finch', 'fox', 'hawk', 'lynx', 'owl', 'seal', 'wolf'];

/** MLflow names unnamed models as it names runs: adjective-noun-number. */
const randomName = () => `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;

/** Creates a PENDING model under the experiment's artifact location; 404/400 for a missing or deleted experiment. */
export async function createLoggedModel(db: Db, input: NewLoggedModel): Promise<LoggedModel> {
  const modelId = `m-${randomBytes(16).toString('hex')}`;
  await db.transaction().execute(async (trx) => {
    const exp = await trx
      .selectFrom('experiments')
      .select(['artifact_location', 'lifecycle_stage'])
      .where('experiment_id', '=', Number(input.experiment_id))
      .executeTakeFirst();
    if (!exp) throw MlflowError.notFound(`No Experiment with id=${input.experiment_id} exists`);
    if (exp.lifecycle_stage !== 'active') {
      throw MlflowError.invalidParameter(`The experiment ${input.experiment_id} must be in the 'active' state to create a logged model`);
    }
    const now = Date.now();
    await trx
      .insertInto('logged_models')
      .values({
        model_id: modelId,
        experiment_id: Number(input.experiment_id),
        name: input.name || randomName(),
        artifact_location: `${exp.artifact_location.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
        creation_timestamp_ms: now,
        last_updated_timestamp_ms: now,
        status: 'LOGGED_MODEL_PENDING',
        status_message: null,
        lifecycle_stage: 'active',
        model_type: input.model_type || null,
        source_run_id: input.source_run_id || null,
      })
      .execute();
    await insertParams(trx, modelId, input.params);
    await upsertTags(trx, modelId, input.tags);
  });
  return (await getLoggedModel(db, modelId))!;
}

/** The model with its tags, params and linked metrics; deleted models only when asked for. */
export async function getLoggedModel(db: Db, modelId: string, allowDeleted = false): Promise<LoggedModel | undefined> {
  const row = await db.selectFrom('logged_models').selectAll().where('model_id', '=', modelId).executeTakeFirst();
  if (!row || (row.lifecycle_stage !== 'active' && !allowDeleted)) return undefined;
  return (await hydrate(db, [row]))[0];
}

/** Soft delete (lifecycle_stage = deleted), as MLflow's SQL store does; false when there is no such model. */
export async function deleteLoggedModel(db: Db, modelId: string): Promise<boolean> {
  const res = await db
    .updateTable('logged_models')
    .set({ lifecycle_stage: 'deleted', last_updated_timestamp_ms: Date.now() })
    .where('model_id', '=', modelId)
    .where('lifecycle_stage', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function finalizeLoggedModel(db: Db, modelId: string, status: LoggedModelStatus): Promise<LoggedModel | undefined> {
  await db
    .updateTable('logged_models')
    .set({ status, last_updated_timestamp_ms: Date.now() })
    .where('model_id', '=', modelId)
    .where('lifecycle_stage', '=', 'active')
    .execute();
  return getLoggedModel(db, modelId);
}

/** True when the model exists (and is not deleted); mutations check this first so a missing model is a 404. */
async function exists(db: Db, modelId: string): Promise<boolean> {
  const row = await db.selectFrom('logged_models').select('model_id').where('model_id', '=', modelId).where('lifecycle_stage', '=', 'active').executeTakeFirst();
  return row !== undefined;
}

export async function setLoggedModelTags(db: Db, modelId: string, tags: KeyValue[]): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await exists(trx, modelId))) return false;
    await upsertTags(trx, modelId, tags);
    return true;
  });
}

/** 'no-model' or 'no-tag' tell the route which 404 to answer. */
export async function deleteLoggedModelTag(db: Db, modelId: string, key: string): Promise<'ok' | 'no-model' | 'no-tag'> {
  if (!(await exists(db, modelId))) return 'no-model';
  const res = await db.deleteFrom('logged_model_tags').where('model_id', '=', modelId).where('key', '=', key).executeTakeFirst();
  return Number(res.numDeletedRows) > 0 ? 'ok' : 'no-tag';
}

export async function logLoggedModelParams(db: Db, modelId: string, params: KeyValue[]): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await exists(trx, modelId))) return false;
    await insertParams(trx, modelId, params);
    return true;
  });
}

/** Params are immutable, as for runs: the same value again is a no-op, a different one is 400. */
async function insertParams(db: Db, modelId: string, params: KeyValue[]) {
  for (const p of params) {
    // ON CONFLICT DO NOTHING rather than catching the violation: on PostgreSQL a failed insert aborts the transaction.
    const res = await db
      .insertInto('logged_model_params')
      .values({ model_id: modelId, key: p.key, value: p.value })
      .onConflict((oc) => oc.columns(['model_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) continue;
    const old = await db.selectFrom('logged_model_params').select('value').where('model_id', '=', modelId).where('key', '=', p.key).executeTakeFirst();
    if (old && old.value !== p.value) {
      throw MlflowError.invalidParameter(
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old.value}' for model ID='${modelId}'. Attempted logging new value '${p.value}'.`,
      );
    }
  }
}

async function upsertTags(db: Db, modelId: string, tags: KeyValue[]) {
  for (const t of tags) {
    await db
      .insertInto('logged_model_tags')
      .values({ model_id: modelId, key: t.key, value: t.value })
      .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value: t.value }))
      .execute();
  }
}

/** Filter/order attribute names the client may use, mapped to columns. */
const ATTRIBUTES: Record<string, keyof Row> = {
  name: 'name',
  model_id: 'model_id',
  model_type: 'model_type',
  status: 'status',
  source_run_id: 'source_run_id',
  creation_timestamp: 'creation_timestamp_ms',
  creation_timestamp_ms: 'creation_timestamp_ms',
  creation_time: 'creation_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
  last_updated_timestamp_ms: 'last_updated_timestamp_ms',
};
const ATTRIBUTE_PREFIXES = new Set(['', 'attribute', 'attributes', 'attr']);

/** Lookup that ignores inherited properties, so a key such as `constructor` is simply unknown. */
const own = <T>(map: Record<string, T>, k: string): T | undefined => (Object.hasOwn(map, k) ? map[k] : undefined);

export interface LoggedModelSearch {
  dialect: Dialect;
  experimentIds: string[];
  filters: Comparison[];
  orderBy: LoggedModelOrderBy[];
  offset: number;
  limit: number;
}

/** One page of active models in the experiments, matching every filter term; `hasMore` drives the page token. */
export async function searchLoggedModels(db: Db, q: LoggedModelSearch): Promise<{ models: LoggedModel[]; hasMore: boolean }> {
  let query = db
    .selectFrom('logged_models as lm')
    .selectAll('lm')
    .where('lm.lifecycle_stage', '=', 'active')
    .where('lm.experiment_id', 'in', q.experimentIds.map(Number));
  for (const f of q.filters) query = query.where((eb) => comparisonSql(eb, q.dialect, f));
  for (const o of q.orderBy) {
    const dir = o.ascending === false ? 'desc' : 'asc';
    const metric = /^metrics?\.(.+)$/.exec(o.field_name);
    if (metric) {
      const best = sql`(select max(m.value) from metrics m where m.model_id = lm.model_id and m.key = ${metric[1]})`;
      // Models without the metric sort last in both directions, on SQLite and PostgreSQL alike.
      query = query.orderBy(sql`${best} is null`, 'asc').orderBy(best, dir);
    } else {
      const col = own(ATTRIBUTES, o.field_name.replace(/^attributes?\./, ''));
      if (!col) throw MlflowError.invalidParameter(`Invalid order_by field '${o.field_name}'`);
      query = query.orderBy(`lm.${col}`, dir);
    }
  }
  const rows = await query.orderBy('lm.creation_timestamp_ms', 'desc').orderBy('lm.model_id', 'asc').limit(q.limit + 1).offset(q.offset).execute();
  return { models: await hydrate(db, rows.slice(0, q.limit)), hasMore: rows.length > q.limit };
}

type LmBuilder = ExpressionBuilder<Database & { lm: Row }, 'lm'>;

const NUMERIC_COLUMNS = new Set<keyof Row>(['creation_timestamp_ms', 'last_updated_timestamp_ms']);
const CHILD_TABLES: Record<string, 'logged_model_tags' | 'logged_model_params' | 'metrics'> = {
  tag: 'logged_model_tags',
  tags: 'logged_model_tags',
  param: 'logged_model_params',
  params: 'logged_model_params',
  parameter: 'logged_model_params',
  parameters: 'logged_model_params',
  metric: 'metrics',
  metrics: 'metrics',
};

/** One filter term as SQL: attributes compare columns; tags/params/metrics ask whether a matching child row exists. */
function comparisonSql(eb: LmBuilder, dialect: Dialect, c: Comparison) {
  if (ATTRIBUTE_PREFIXES.has(c.prefix)) {
    const col = own(ATTRIBUTES, c.key);
    if (!col) throw invalidComparison(c, `'${c.key}' is not a logged model attribute; use one of ${Object.keys(ATTRIBUTES).join(', ')}`);
    return NUMERIC_COLUMNS.has(col) ? numericCondition(dialect, `lm.${col}`, c, c.key) : stringCondition(dialect, `lm.${col}`, c, c.key);
  }
  const table = own(CHILD_TABLES, c.prefix);
  if (!table) throw invalidComparison(c, `'${c.prefix}' is not a logged model entity; use attributes, tags, params or metrics`);
  const rows = eb
    .selectFrom(`${table} as sub` as 'metrics as sub')
    .select(sql`1`.as('one'))
    .where('sub.model_id', '=', eb.ref('lm.model_id'))
    .where('sub.key', '=', c.key);
  if (c.op === 'IS NULL') return eb.not(eb.exists(rows));
  if (c.op === 'IS NOT NULL') return eb.exists(rows);
  const subject = `${c.prefix}.${c.key}`;
  const cond = table === 'metrics' ? numericCondition(dialect, 'sub.value', c, subject) : stringCondition(dialect, 'sub.value', c, subject);
  return eb.exists(rows.where(cond));
}

/** Attaches tags, params and model-linked metrics, with one query per child table for the whole page. */
async function hydrate(db: Db, rows: Row[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.model_id);
  const [tags, params, metrics] = await Promise.all([
    db.selectFrom('logged_model_tags').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('logged_model_params').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('metrics').selectAll().where('model_id', 'in', ids).orderBy('key').orderBy('step').orderBy('timestamp').execute(),
  ]);
  return rows.map((r) => ({
    info: {
      model_id: r.model_id,
      experiment_id: String(r.experiment_id),
      name: r.name,
      artifact_uri: r.artifact_location,
      status: r.status as LoggedModel['info']['status'],
      creation_timestamp_ms: Number(r.creation_timestamp_ms),
      last_updated_timestamp_ms: Number(r.last_updated_timestamp_ms),
      ...(r.model_type !== null && { model_type: r.model_type }),
      ...(r.source_run_id !== null && { source_run_id: r.source_run_id }),
      ...(r.status_message !== null && { status_message: r.status_message }),
      tags: tags.filter((t) => t.model_id === r.model_id).map(({ key, value }) => ({ key, value })),
    },
    data: {
      params: params.filter((p) => p.model_id === r.model_id).map(({ key, value }) => ({ key, value })),
      metrics: metrics
        .filter((m) => m.model_id === r.model_id)
        .map((m) => ({
          key: m.key,
          value: doubleToJson(m.value === null ? null : Number(m.value)),
          timestamp: Number(m.timestamp),
          step: Number(m.step),
          run_id: m.run_uuid,
          model_id: r.model_id,
          ...(m.dataset_name !== null && { dataset_name: m.dataset_name }),
          ...(m.dataset_digest !== null && { dataset_digest: m.dataset_digest }),
        })),
    },
  }));
}
