import type Database from 'better-sqlite3';
import { MlflowError } from '../server/errors.js';
import { LIMITS, type DatasetInput, type MetricInput } from '../server/schemas/runs.js';
import type { Db, Store } from './db.js';
import { insertMetrics, insertMetricsSqlite } from './metrics.js';
import { assertRunActive, RUN_NAME_TAG, requireActiveRun, upsertTags } from './runs.js';
import { cachedStatement } from './sqlite-statements.js';

type KV = { key: string; value: string };

/**
 * Params are write-once: the same value again is a no-op, a different one is refused. New keys
 * are inserted first and the stored values read back afterwards, so a concurrent writer of the
 * same key cannot slip past the check; a refusal rolls the caller's transaction back.
 */
export async function logParams(db: Db, runId: string, params: KV[], single = false): Promise<void> {
  if (params.length === 0) return;
  await db
    .insertInto('params')
    .values(params.map((p) => ({ run_uuid: runId, key: p.key, value: p.value })))
    .onConflict((oc) => oc.columns(['run_uuid', 'key']).doNothing())
    .execute();
  const stored = await db
    .selectFrom('params')
    .select(['key', 'value'])
    .where('run_uuid', '=', runId)
    .where(
      'key',
      'in',
      params.map((p) => p.key),
    )
    .execute();
  const storedValue = new Map(stored.map((p) => [p.key, p.value]));
  assertParamsUnchanged(runId, params, storedValue, single);
}

/** MLflow's refusal of a changed param, worded as for log-parameter (`single`) or log-batch. */
function assertParamsUnchanged(runId: string, params: KV[], storedValue: Map<string, string>, single = false): void {
  const changed = params.filter((p) => storedValue.get(p.key) !== p.value).map((p) => ({ key: p.key, old_value: storedValue.get(p.key), new_value: p.value }));
  if (changed.length === 0) return;
  if (single) {
    const c = changed[0];
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Param with key='${c.key}' was already logged with value='${c.old_value}' for run ID='${runId}'. Attempted logging new value '${c.new_value}'.`,
    );
  }
  throw MlflowError.invalidParameter(`Changing param values is not allowed. Params were already logged='${JSON.stringify(changed)}' for run ID='${runId}'.`);
}

/** A repeated tag key keeps its last value. */
const lastTagPerKey = (tags: KV[]): KV[] => [...new Map(tags.map((t) => [t.key, t])).values()];

/** Sets tags (last value wins for a repeated key); `mlflow.runName` also renames the run, as in MLflow. */
export async function setTags(db: Db, runId: string, tags: KV[]): Promise<void> {
  const unique = lastTagPerKey(tags);
  await upsertTags(db, runId, unique);
  const name = unique.find((t) => t.key === RUN_NAME_TAG);
  if (name) await db.updateTable('runs').set({ name: name.value }).where('run_uuid', '=', runId).execute();
}

export async function deleteTag(db: Db, runId: string, key: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, runId);
    const res = await trx.deleteFrom('tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
  });
}

export interface Batch {
  metrics: MetricInput[];
  params: KV[];
  tags: KV[];
}

/** MLflow's LogBatch limits and its rule against one param key twice in a request. */
export function validateBatch({ metrics, params, tags }: Batch): void {
  const limit = (name: string, max: number, n: number) => {
    if (n > max) {
      throw MlflowError.invalidParameter(
        `A batch logging request can contain at most ${max} ${name}. Got ${n} ${name}. Please split up ${name} across multiple requests and try again.`,
      );
    }
  };
  limit('metrics', LIMITS.batchMetrics, metrics.length);
  limit('params', LIMITS.batchParamsTags, params.length);
  limit('tags', LIMITS.batchParamsTags, tags.length);
  limit('metrics, params, and tags', LIMITS.batchTotal, metrics.length + params.length + tags.length);
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const { key } of params) {
    if (seen.has(key)) dupes.push(key);
    seen.add(key);
  }
  if (dupes.length) {
    throw MlflowError.invalidParameter(
      `Duplicate parameter keys have been submitted: ${JSON.stringify(dupes)}. Please ensure the request contains only one param value per param key.`,
    );
  }
}

/**
 * LogBatch (and the single-item log-metric / log-parameter / set-tag calls, which are batches of
 * one): everything in one transaction, so a refused param leaves no metric behind. On SQLite that
 * is one synchronous better-sqlite3 transaction (logBatchSqlite), unless a kysely transaction is
 * open on the connection: raw statements would join it, so the batch waits its turn through kysely.
 */
export async function logBatch(store: Store, runId: string, batch: Batch, opts: { singleParam?: boolean } = {}): Promise<void> {
  validateBatch(batch);
  if (store.sqlite && !store.sqlite.inTransaction) return logBatchSqlite(store.sqlite, runId, batch, opts.singleParam);
  await store.db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, runId);
    await logParams(trx, runId, batch.params, opts.singleParam);
    await insertMetrics(store, trx, runId, batch.metrics);
    if (batch.tags.length) await setTags(trx, runId, batch.tags);
  });
}

/**
 * LogBatch on SQLite as one synchronous better-sqlite3 transaction over cached prepared statements.
 * For a 1000-metric batch, kysely's async transaction and per-query compile cost about as much as
 * the writes. The rules are logBatch's above, which PostgreSQL runs through kysely.
 */
function logBatchSqlite(sqlite: Database.Database, runId: string, batch: Batch, singleParam = false): void {
  const stmt = (sql: string) => cachedStatement(sqlite, sql);
  sqlite.transaction(() => {
    assertRunActive(runId, stmt('SELECT lifecycle_stage FROM runs WHERE run_uuid = ?').get(runId) as { lifecycle_stage: string } | undefined);
    if (batch.params.length) {
      // Write-once: new keys go in; a key already stored must carry the same value.
      const insert = stmt('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (run_uuid, key) DO NOTHING');
      const read = stmt('SELECT value FROM params WHERE run_uuid = ? AND key = ?').pluck();
      const stored = new Map<string, string>();
      for (const p of batch.params) {
        stored.set(p.key, insert.run(runId, p.key, p.value).changes ? p.value : (read.get(runId, p.key) as string));
      }
      assertParamsUnchanged(runId, batch.params, stored, singleParam);
    }
    insertMetricsSqlite(sqlite, runId, batch.metrics);
    if (batch.tags.length) {
      const upsert = stmt('INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value');
      for (const t of lastTagPerKey(batch.tags)) {
        upsert.run(runId, t.key, t.value);
        if (t.key === RUN_NAME_TAG) stmt('UPDATE runs SET name = ? WHERE run_uuid = ?').run(t.value, runId);
      }
    }
  })();
}

/** Dataset inputs (deduplicated by name and digest, first wins) and model inputs of a run. */
export async function logInputs(db: Db, runId: string, datasets: DatasetInput[], models: { model_id: string }[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, runId);
    if (datasets.length) {
      const rows = datasets.map(({ dataset: d, tags }) => ({
        run_uuid: runId,
        name: d.name,
        digest: d.digest,
        source_type: d.source_type,
        source: d.source,
        schema: d.schema ?? null,
        profile: d.profile ?? null,
        tags: JSON.stringify(tags),
      }));
      const unique = [...new Map(rows.reverse().map((r) => [`${r.name}\u0000${r.digest}`, r])).values()];
      await trx.insertInto('run_inputs').values(unique).onConflict((oc) => oc.doNothing()).execute();
    }
    if (models.length) {
      const rows = [...new Set(models.map((m) => m.model_id))].map((model_id) => ({ run_uuid: runId, model_id }));
      await trx.insertInto('run_model_inputs').values(rows).onConflict((oc) => oc.doNothing()).execute();
    }
  });
}

/** LogOutputs: the logged models a run produced, with the step they belong to. */
export async function logOutputs(db: Db, runId: string, models: { model_id: string; step: number }[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, runId);
    if (models.length === 0) return;
    const rows = [...new Map(models.map((m) => [m.model_id, { run_uuid: runId, model_id: m.model_id, step: m.step }])).values()];
    await trx
      .insertInto('run_outputs')
      .values(rows)
      .onConflict((oc) => oc.columns(['run_uuid', 'model_id']).doUpdateSet((eb) => ({ step: eb.ref('excluded.step') })))
      .execute();
  });
}

const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

/** Legacy LogModel: appends the model's metadata to the run's `mlflow.log-model.history` tag. */
export async function logModel(db: Db, runId: string, modelJson: string): Promise<void> {
  let model: Record<string, unknown>;
  try {
    model = JSON.parse(modelJson);
    if (model === null || typeof model !== 'object' || Array.isArray(model)) throw new Error('not an object');
  } catch {
    throw MlflowError.invalidParameter(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
  }
  const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((k) => !(k in model));
  if (missing.length) throw MlflowError.invalidParameter(`Model json is missing mandatory fields: ${JSON.stringify(missing)}`);
  // The tag keeps what the UI lists; signatures and examples live with the model's artifacts.
  const { signature: _s, saved_input_example_info: _e, ...entry } = model;
  await db.transaction().execute(async (trx) => {
    await requireActiveRun(trx, runId);
    const prev = await trx.selectFrom('tags').select('value').where('run_uuid', '=', runId).where('key', '=', LOGGED_MODELS_TAG).executeTakeFirst();
    const history = prev ? safeList(prev.value) : [];
    await upsertTags(trx, runId, [{ key: LOGGED_MODELS_TAG, value: JSON.stringify([...history, entry]).slice(0, LIMITS.tagValue) }]);
  });
}

function safeList(text: string): unknown[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}
