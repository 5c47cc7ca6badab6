import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { MlflowError } from '../server/errors.js';
import type { Dataset } from '../server/schemas/datasets.js';
import type { Db } from './db.js';
import { parseExperimentId, requireExperiment } from './experiments.js';
import type { DatasetsTables } from './tables/datasets.js';

type DatasetRow = Selectable<DatasetsTables['evaluation_datasets']>;

/** The tag MLflow's client sets to the current user; it becomes created_by / last_updated_by. */
export const MLFLOW_USER = 'mlflow.user';

export const datasetNotFound = (id: string) => MlflowError.notFound(`Evaluation dataset with id '${id}' not found`);

/** MLflow's digest: the first 8 hex of sha256("name:last_update_time"), so every change moves it. */
export function datasetDigest(name: string, time: number): string {
  return createHash('sha256').update(`${name}:${time}`).digest('hex').slice(0, 8);
}

/** Python's str() of a JSON tag value, which is what MLflow stores. */
export function tagValueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'number' ? String(v) : JSON.stringify(v);
}

export function datasetRowToDataset(row: DatasetRow, tags: { key: string; value: string }[], experimentIds: string[]): Dataset {
  return {
    dataset_id: row.dataset_id,
    name: row.name,
    tags: JSON.stringify(Object.fromEntries(tags.map((t) => [t.key, t.value]))),
    ...(row.schema !== null && { schema: row.schema }),
    ...(row.profile !== null && { profile: row.profile }),
    digest: row.digest,
    created_time: Number(row.created_time),
    last_update_time: Number(row.last_update_time),
    ...(row.created_by !== null && { created_by: row.created_by }),
    ...(row.last_updated_by !== null && { last_updated_by: row.last_updated_by }),
    experiment_ids: experimentIds,
  };
}

/** Datasets by id with their tags and experiment ids, in the order asked (one query per table). */
export async function getDatasets(db: Db, ids: string[]): Promise<Dataset[]> {
  if (ids.length === 0) return [];
  const [rows, tags, links] = await Promise.all([
    db.selectFrom('evaluation_datasets').selectAll().where('dataset_id', 'in', ids).execute(),
    db.selectFrom('evaluation_dataset_tags').selectAll().where('dataset_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('evaluation_dataset_experiments').selectAll().where('dataset_id', 'in', ids).orderBy('created_time').orderBy('experiment_id').execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.dataset_id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const experimentIds = links.filter((l) => l.dataset_id === id).map((l) => String(l.experiment_id));
    return [datasetRowToDataset(row, tags.filter((t) => t.dataset_id === id), experimentIds)];
  });
}

export async function getDataset(db: Db, id: string): Promise<Dataset | undefined> {
  return (await getDatasets(db, [id]))[0];
}

export async function requireDataset(db: Db, id: string): Promise<DatasetRow> {
  const row = await db.selectFrom('evaluation_datasets').selectAll().where('dataset_id', '=', id).executeTakeFirst();
  if (!row) throw datasetNotFound(id);
  return row;
}

export interface NewDataset {
  name: string;
  experiment_ids: string[];
  tags?: Record<string, unknown>;
  created_by?: string;
}

/** Creates a dataset linked to existing experiments; the creator is created_by, else the mlflow.user tag. */
export async function createDataset(db: Db, input: NewDataset): Promise<string> {
  const experimentIds = [...new Set(input.experiment_ids)];
  for (const id of experimentIds) await requireExperiment(db, id);
  const now = Date.now();
  const datasetId = `d-${randomBytes(16).toString('hex')}`;
  const tags = Object.entries(input.tags ?? {}).filter(([, v]) => v !== null && v !== undefined);
  const user = input.created_by ?? (input.tags?.[MLFLOW_USER] === undefined ? null : tagValueText(input.tags[MLFLOW_USER]));
  await db
    .insertInto('evaluation_datasets')
    .values({ dataset_id: datasetId, name: input.name, schema: null, profile: null, digest: datasetDigest(input.name, now), created_time: now, last_update_time: now, created_by: user, last_updated_by: user })
    .execute();
  if (tags.length) await db.insertInto('evaluation_dataset_tags').values(tags.map(([key, v]) => ({ dataset_id: datasetId, key, value: tagValueText(v) }))).execute();
  await linkExperiments(db, datasetId, experimentIds, now);
  return datasetId;
}

async function linkExperiments(db: Db, datasetId: string, experimentIds: string[], now: number): Promise<void> {
  if (experimentIds.length === 0) return;
  await db
    .insertInto('evaluation_dataset_experiments')
    .values(experimentIds.map((id) => ({ dataset_id: datasetId, experiment_id: parseExperimentId(id), created_time: now })))
    .onConflict((oc) => oc.columns(['dataset_id', 'experiment_id']).doNothing())
    .execute();
}

/** Deletes a dataset with its tags, records and links; false when there was none (MLflow answers 200 either way). */
export async function deleteDataset(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('evaluation_datasets').where('dataset_id', '=', id).executeTakeFirst();
  for (const table of ['evaluation_dataset_tags', 'evaluation_dataset_records', 'evaluation_dataset_experiments'] as const) {
    await db.deleteFrom(table).where('dataset_id', '=', id).execute();
  }
  return Number(res.numDeletedRows) > 0;
}

/** Merges tags into the dataset's (null values are skipped, as in MLflow). */
export async function setDatasetTags(db: Db, id: string, tags: Record<string, unknown>): Promise<void> {
  await requireDataset(db, id);
  for (const [key, v] of Object.entries(tags)) {
    if (v === null || v === undefined) continue;
    await db
      .insertInto('evaluation_dataset_tags')
      .values({ dataset_id: id, key, value: tagValueText(v) })
      .onConflict((oc) => oc.columns(['dataset_id', 'key']).doUpdateSet({ value: tagValueText(v) }))
      .execute();
  }
}

/** Idempotent, as MLflow's: a missing dataset or tag is not an error. */
export async function deleteDatasetTag(db: Db, id: string, key: string): Promise<void> {
  await db.deleteFrom('evaluation_dataset_tags').where('dataset_id', '=', id).where('key', '=', key).execute();
}

export async function getDatasetExperimentIds(db: Db, id: string): Promise<string[]> {
  await requireDataset(db, id);
  const rows = await db.selectFrom('evaluation_dataset_experiments').select('experiment_id').where('dataset_id', '=', id).orderBy('created_time').orderBy('experiment_id').execute();
  return rows.map((r) => String(r.experiment_id));
}

/** Links the dataset to more experiments; each must exist (404 names the first that does not). */
export async function addDatasetToExperiments(db: Db, id: string, experimentIds: string[]): Promise<void> {
  await requireDataset(db, id);
  const ids = [...new Set(experimentIds)];
  for (const e of ids) await requireExperiment(db, e);
  const now = Date.now();
  await linkExperiments(db, id, ids, now);
  await db.updateTable('evaluation_datasets').set({ last_update_time: now }).where('dataset_id', '=', id).execute();
}

/** Unlinks; experiments the dataset was not linked to are ignored, as in MLflow. */
export async function removeDatasetFromExperiments(db: Db, id: string, experimentIds: string[]): Promise<void> {
  await requireDataset(db, id);
  const ids = experimentIds.map(parseExperimentId);
  if (ids.length === 0) return;
  const res = await db.deleteFrom('evaluation_dataset_experiments').where('dataset_id', '=', id).where('experiment_id', 'in', ids).executeTakeFirst();
  if (Number(res.numDeletedRows) > 0) await db.updateTable('evaluation_datasets').set({ last_update_time: Date.now() }).where('dataset_id', '=', id).execute();
}
