import { randomUUID } from 'node:crypto';
import { MlflowError } from '../server/errors.js';
import { doubleToJson } from '../server/schemas/common.js';
import type { Metric, Run, RunInfo, RunStatus } from '../server/schemas/runs.js';
import type { Db } from './db.js';
import { checkExperimentActive, requireExperiment } from './experiments.js';
import { generateRunName } from './run-name.js';
import type { MetricRow, RunRow } from './tables/tracking.js';

export const RUN_NAME_TAG = 'mlflow.runName';
const USER_TAG = 'mlflow.user';

export function runRowToInfo(row: RunRow): RunInfo {
  return {
    run_id: row.run_uuid,
    run_uuid: row.run_uuid,
    run_name: row.name,
    experiment_id: String(row.experiment_id),
    user_id: row.user_id,
    status: row.status as RunStatus,
    start_time: Number(row.start_time),
    // MLflow leaves end_time out while the run has not ended; the client reads 0/absent as "not ended".
    ...(row.end_time !== null && { end_time: Number(row.end_time) }),
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage as RunInfo['lifecycle_stage'],
  };
}

/** A metric row on the wire: NULL (our NaN) and ±Infinity become protobuf-JSON strings. */
export function metricRowToMetric(row: Omit<MetricRow, 'run_uuid'>): Metric {
  return {
    key: row.key,
    value: doubleToJson(row.value) as Metric['value'],
    timestamp: Number(row.timestamp),
    step: Number(row.step),
    ...(row.model_id !== null && { model_id: row.model_id }),
    ...(row.dataset_name !== null && { dataset_name: row.dataset_name }),
    ...(row.dataset_digest !== null && { dataset_digest: row.dataset_digest }),
  };
}

export async function getRunRow(db: Db, runId: string): Promise<RunRow | undefined> {
  return db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
}

export async function requireRun(db: Db, runId: string): Promise<RunRow> {
  const row = await getRunRow(db, runId);
  if (!row) throw MlflowError.notFound(`Run with id=${runId} not found`);
  return row;
}

/** Every write to a run needs it to exist and not be deleted (MLflow's _check_run_is_active). */
export async function requireActiveRun(db: Db, runId: string): Promise<RunRow> {
  const row = await getRunRow(db, runId);
  assertRunActive(runId, row);
  return row;
}

export function assertRunActive<T extends { lifecycle_stage: string }>(runId: string, row: T | undefined): asserts row is T {
  if (!row) throw MlflowError.notFound(`Run with id=${runId} not found`);
  if (row.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
}

/** Largest id list per query: under SQLite's 32766 bound variables, and one query for any client page. */
const CHUNK = 10_000;

async function selectByRun<T extends { run_uuid: string }>(ids: string[], query: (ids: string[]) => Promise<T[]>): Promise<Map<string, T[]>> {
  const out = new Map<string, T[]>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const row of await query(ids.slice(i, i + CHUNK))) {
      let list = out.get(row.run_uuid);
      if (!list) out.set(row.run_uuid, (list = []));
      list.push(row);
    }
  }
  return out;
}

/** Sorted by key in code-point order: the same on both dialects, whatever PostgreSQL's collation. */
export function byKey<T extends { key: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Full runs for a page of ids, in the order given: one query per table, never one per run. */
export async function getRuns(db: Db, runIds: string[]): Promise<Run[]> {
  if (runIds.length === 0) return [];
  const [runs, metrics, params, tags, datasets, modelInputs, outputs] = await Promise.all([
    selectByRun(runIds, (ids) => db.selectFrom('runs').selectAll().where('run_uuid', 'in', ids).execute()),
    selectByRun(runIds, (ids) => db.selectFrom('latest_metrics').selectAll().where('run_uuid', 'in', ids).execute()),
    selectByRun(runIds, (ids) => db.selectFrom('params').selectAll().where('run_uuid', 'in', ids).execute()),
    selectByRun(runIds, (ids) => db.selectFrom('tags').selectAll().where('run_uuid', 'in', ids).execute()),
    selectByRun(runIds, (ids) => db.selectFrom('run_inputs').selectAll().where('run_uuid', 'in', ids).orderBy('name').execute()),
    selectByRun(runIds, (ids) => db.selectFrom('run_model_inputs').selectAll().where('run_uuid', 'in', ids).orderBy('model_id').execute()),
    selectByRun(runIds, (ids) => db.selectFrom('run_outputs').selectAll().where('run_uuid', 'in', ids).orderBy('step').execute()),
  ]);
  const kv = (rows: { key: string; value: string }[] | undefined) => byKey(rows ?? []).map(({ key, value }) => ({ key, value }));
  return runIds.flatMap((id): Run[] => {
    const row = runs.get(id)?.[0];
    if (!row) return [];
    return [
      {
        info: runRowToInfo(row),
        data: { metrics: byKey(metrics.get(id) ?? []).map(metricRowToMetric), params: kv(params.get(id)), tags: kv(tags.get(id)) },
        inputs: {
          dataset_inputs: (datasets.get(id) ?? []).map((d) => ({
            tags: JSON.parse(d.tags) as { key: string; value: string }[],
            dataset: {
              name: d.name,
              digest: d.digest,
              source_type: d.source_type,
              source: d.source,
              ...(d.schema !== null && { schema: d.schema }),
              ...(d.profile !== null && { profile: d.profile }),
            },
          })),
          model_inputs: (modelInputs.get(id) ?? []).map((m) => ({ model_id: m.model_id })),
        },
        outputs: { model_outputs: (outputs.get(id) ?? []).map((o) => ({ model_id: o.model_id, step: Number(o.step) })) },
      },
    ];
  });
}

export async function getRun(db: Db, runId: string): Promise<Run | undefined> {
  return (await getRuns(db, [runId]))[0];
}

export interface NewRun {
  experiment_id?: string;
  user_id?: string;
  run_name?: string;
  start_time?: number;
  tags: { key: string; value: string }[];
}

/**
 * MLflow's create_run: the experiment must be active, a name is generated when none is given,
 * `mlflow.runName` always ends up set, and a run_name that contradicts that tag is refused.
 */
export async function createRun(db: Db, input: NewRun): Promise<Run> {
  const tags = new Map(input.tags.map((t) => [t.key, t.value]));
  const tagName = tags.get(RUN_NAME_TAG);
  if (input.run_name && tagName && input.run_name !== tagName) {
    throw MlflowError.invalidParameter(
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.run_name}', mlflow.runName='${tagName}').`,
    );
  }
  const name = input.run_name || tagName || generateRunName();
  if (!tagName) tags.set(RUN_NAME_TAG, name);
  const runId = randomUUID().replaceAll('-', '');
  return db.transaction().execute(async (trx) => {
    const exp = await requireExperiment(trx, input.experiment_id || '0');
    checkExperimentActive(exp);
    const row: RunRow = {
      run_uuid: runId,
      name,
      experiment_id: Number(exp.experiment_id),
      user_id: input.user_id || tags.get(USER_TAG) || 'unknown',
      status: 'RUNNING',
      start_time: input.start_time ?? Date.now(),
      end_time: null,
      artifact_uri: `${exp.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
      lifecycle_stage: 'active',
      deleted_time: null,
    };
    await trx.insertInto('runs').values(row).execute();
    // Sorted as getRuns answers, so create and get return identical runs.
    const tagRows = byKey([...tags].map(([key, value]) => ({ run_uuid: runId, key, value })));
    await trx.insertInto('tags').values(tagRows).execute();
    return {
      info: runRowToInfo(row),
      data: { metrics: [], params: [], tags: tagRows.map(({ key, value }) => ({ key, value })) },
      inputs: { dataset_inputs: [], model_inputs: [] },
      outputs: { model_outputs: [] },
    };
  });
}

export interface RunUpdate {
  status?: RunStatus;
  end_time?: number;
  run_name?: string;
}

/** UpdateRun: status and end time as given; a new name renames the run and its mlflow.runName tag. */
export async function updateRun(db: Db, runId: string, update: RunUpdate): Promise<RunInfo> {
  return db.transaction().execute(async (trx) => {
    const row = await requireActiveRun(trx, runId);
    const next: RunRow = {
      ...row,
      ...(update.status !== undefined && { status: update.status }),
      ...(update.end_time !== undefined && { end_time: update.end_time }),
      ...(update.run_name && { name: update.run_name }),
    };
    await trx.updateTable('runs').set({ status: next.status, end_time: next.end_time, name: next.name }).where('run_uuid', '=', runId).execute();
    if (update.run_name) await upsertTags(trx, runId, [{ key: RUN_NAME_TAG, value: update.run_name }]);
    return runRowToInfo(next);
  });
}

/** DeleteRun / RestoreRun: soft, and allowed whatever the current stage (as MLflow). */
export async function setRunLifecycle(db: Db, runId: string, stage: 'active' | 'deleted'): Promise<void> {
  await requireRun(db, runId);
  await db
    .updateTable('runs')
    .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? Date.now() : null })
    .where('run_uuid', '=', runId)
    .execute();
}

/** Insert-or-replace tags; keys must already be unique within `tags`. */
export async function upsertTags(db: Db, runId: string, tags: { key: string; value: string }[]): Promise<void> {
  if (tags.length === 0) return;
  await db
    .insertInto('tags')
    .values(tags.map((t) => ({ run_uuid: runId, key: t.key, value: t.value })))
    .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}
