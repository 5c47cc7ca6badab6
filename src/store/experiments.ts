import { MlflowError } from '../server/errors.js';
import type { Experiment } from '../server/schemas/experiments.js';
import type { Db } from './db.js';
import { isUniqueViolation } from './errors.js';
import type { ExperimentRow } from './tables/tracking.js';

/** Where proxied artifacts live; MLflow's server uses this root when it serves artifacts itself. */
export const ARTIFACT_ROOT = 'mlflow-artifacts:';

/**
 * Experiment ids are integers in SQL, strings on the wire. A non-integer is the client's mistake
 * (400); an integer too large to exist simply matches nothing.
 */
export function parseExperimentId(id: string): number {
  if (!/^-?\d+$/.test(id.trim())) throw MlflowError.invalidParameter(`Invalid experiment ID: '${id}'. Experiment ids are integers.`);
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : -1;
}

export function experimentRowToExperiment(row: ExperimentRow, tags: { key: string; value: string }[]): Experiment {
  return {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage as Experiment['lifecycle_stage'],
    last_update_time: Number(row.last_update_time),
    creation_time: Number(row.creation_time),
    tags,
  };
}

/** Experiments by id with their tags, in the order asked (one query per table). */
export async function getExperiments(db: Db, ids: number[]): Promise<Experiment[]> {
  if (ids.length === 0) return [];
  const [rows, tags] = await Promise.all([
    db.selectFrom('experiments').selectAll().where('experiment_id', 'in', ids).execute(),
    db.selectFrom('experiment_tags').selectAll().where('experiment_id', 'in', ids).orderBy('key').execute(),
  ]);
  const tagsById = new Map<number, { key: string; value: string }[]>();
  for (const t of tags) {
    const id = Number(t.experiment_id);
    if (!tagsById.has(id)) tagsById.set(id, []);
    tagsById.get(id)!.push({ key: t.key, value: t.value });
  }
  const byId = new Map(rows.map((r) => [Number(r.experiment_id), r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [experimentRowToExperiment(row, tagsById.get(id) ?? [])] : [];
  });
}

export async function getExperiment(db: Db, id: number): Promise<Experiment | undefined> {
  return (await getExperiments(db, [id]))[0];
}

/** Any lifecycle stage: set_experiment needs to see a deleted experiment to refuse it. */
export async function getExperimentByName(db: Db, name: string): Promise<Experiment | undefined> {
  const row = await db.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst();
  return row ? getExperiment(db, Number(row.experiment_id)) : undefined;
}

export async function requireExperiment(db: Db, id: string): Promise<Experiment> {
  const exp = await getExperiment(db, parseExperimentId(id));
  if (!exp) throw MlflowError.notFound(`No Experiment with id=${id} exists`);
  return exp;
}

export function checkExperimentActive(exp: Experiment): void {
  if (exp.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(`The experiment ${exp.experiment_id} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
  }
}

export interface NewExperiment {
  name: string;
  artifact_location?: string;
  tags: { key: string; value: string }[];
}

/** Creates an experiment; a taken name (deleted experiments included) is RESOURCE_ALREADY_EXISTS. */
export async function createExperiment(db: Db, input: NewExperiment): Promise<string> {
  const now = Date.now();
  try {
    return await db.transaction().execute(async (trx) => {
      const { experiment_id } = await trx
        .insertInto('experiments')
        .values({ name: input.name, artifact_location: input.artifact_location || '', lifecycle_stage: 'active', creation_time: now, last_update_time: now })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      const id = Number(experiment_id);
      // The default location embeds the id, which only exists after the insert.
      if (!input.artifact_location) {
        await trx.updateTable('experiments').set({ artifact_location: `${ARTIFACT_ROOT}/${id}` }).where('experiment_id', '=', id).execute();
      }
      const tags = dedupeTags(input.tags);
      if (tags.length) await trx.insertInto('experiment_tags').values(tags.map((t) => ({ experiment_id: id, key: t.key, value: t.value }))).execute();
      return String(id);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw MlflowError.alreadyExists(`Experiment(name=${input.name}) already exists.`);
    throw err;
  }
}

/** Last value wins for a key repeated in one request, as MLflow's merge does. */
function dedupeTags<T extends { key: string }>(tags: T[]): T[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()];
}

/** Soft delete. MLflow's SQL store marks every run of the experiment deleted along with it. */
export async function setExperimentLifecycle(db: Db, id: string, stage: 'active' | 'deleted'): Promise<void> {
  const expId = parseExperimentId(id);
  const from = stage === 'deleted' ? 'active' : 'deleted';
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('experiments').select('lifecycle_stage').where('experiment_id', '=', expId).executeTakeFirst();
    if (!row || row.lifecycle_stage !== from) throw MlflowError.notFound(`No Experiment with id=${id} exists`);
    await trx.updateTable('experiments').set({ lifecycle_stage: stage, last_update_time: now }).where('experiment_id', '=', expId).execute();
    await trx
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('experiment_id', '=', expId)
      .execute();
  });
}

export async function renameExperiment(db: Db, id: string, newName: string): Promise<void> {
  const exp = await requireExperiment(db, id);
  // MLflow answers INVALID_STATE (a 500) here; a 400 keeps the client from retrying a hopeless call.
  if (exp.lifecycle_stage !== 'active') throw MlflowError.invalidParameter('Cannot rename a non-active experiment.');
  try {
    await db.updateTable('experiments').set({ name: newName, last_update_time: Date.now() }).where('experiment_id', '=', Number(exp.experiment_id)).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw MlflowError.alreadyExists(`Experiment(name=${newName}) already exists.`);
    throw err;
  }
}

export async function setExperimentTag(db: Db, id: string, key: string, value: string): Promise<void> {
  const exp = await requireExperiment(db, id);
  checkExperimentActive(exp);
  await db
    .insertInto('experiment_tags')
    .values({ experiment_id: Number(exp.experiment_id), key, value })
    .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value }))
    .execute();
}

export async function deleteExperimentTag(db: Db, id: string, key: string): Promise<void> {
  const exp = await requireExperiment(db, id);
  checkExperimentActive(exp);
  const res = await db.deleteFrom('experiment_tags').where('experiment_id', '=', Number(exp.experiment_id)).where('key', '=', key).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${id}`);
}

/** Datasets logged to runs of the given experiments (the UI's dataset filter); at most 1000, as MLflow. */
export async function searchDatasets(db: Db, experimentIds: string[]) {
  const ids = experimentIds.map(parseExperimentId);
  const rows = await db
    .selectFrom('run_inputs')
    .innerJoin('runs', 'runs.run_uuid', 'run_inputs.run_uuid')
    .select(['runs.experiment_id', 'run_inputs.name', 'run_inputs.digest', 'run_inputs.tags'])
    .where('runs.experiment_id', 'in', ids)
    .execute();
  const seen = new Map<string, { experiment_id: string; name: string; digest: string; context?: string }>();
  for (const r of rows) {
    const context = (JSON.parse(r.tags) as { key: string; value: string }[]).find((t) => t.key === 'mlflow.data.context')?.value;
    const summary = { experiment_id: String(r.experiment_id), name: r.name, digest: r.digest, ...(context !== undefined && { context }) };
    seen.set(JSON.stringify(summary), summary);
  }
  return [...seen.values()].slice(0, 1000);
}
