import { randomUUID } from 'node:crypto';
import { MlflowError } from '../server/errors.js';
import type { Scorer } from '../server/schemas/scorers.js';
import type { Db } from './db.js';
import { checkExperimentActive, requireExperiment } from './experiments.js';

/** MLflow's server refuses @scorer functions: their `call_source` would be exec()'d on load. */
const DECORATOR_SCORER_NOT_SUPPORTED =
  'Custom scorer registration (using @scorer decorator) is not supported outside of Databricks tracking environments due to security concerns. ' +
  'Custom scorers require arbitrary code execution during deserialization.';

interface ScorerVersionRow {
  scorer_id: string;
  experiment_id: number;
  scorer_name: string;
  scorer_version: number;
  serialized_scorer: string;
  creation_time: number;
}

export function scorerRowToScorer(r: ScorerVersionRow): Scorer {
  return {
    experiment_id: Number(r.experiment_id),
    scorer_name: r.scorer_name,
    scorer_version: Number(r.scorer_version),
    serialized_scorer: r.serialized_scorer,
    creation_time: Number(r.creation_time),
    scorer_id: r.scorer_id,
  };
}

const notFound = (experimentId: string, name: string, version?: number) =>
  MlflowError.notFound(`Scorer with name '${name}'${version === undefined ? '' : ` and version ${version}`} not found for experiment ${experimentId}.`);

/** The active experiment a scorer call names, as its numeric id (404 if missing, 400 if deleted). */
async function activeExperiment(db: Db, experimentId: string): Promise<number> {
  const exp = await requireExperiment(db, experimentId);
  checkExperimentActive(exp);
  return Number(exp.experiment_id);
}

function checkSerializedScorer(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw MlflowError.invalidParameter('serialized_scorer must be valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw MlflowError.invalidParameter('serialized_scorer must be a JSON object');
  if ((parsed as { call_source?: unknown }).call_source != null) throw MlflowError.invalidParameter(DECORATOR_SCORER_NOT_SUPPORTED);
}

const versions = (db: Db) =>
  db
    .selectFrom('scorer_versions as v')
    .innerJoin('scorers as s', 's.scorer_id', 'v.scorer_id')
    .select(['v.scorer_id', 's.experiment_id', 's.scorer_name', 'v.scorer_version', 'v.serialized_scorer', 'v.creation_time']);

/** Adds the next version of the experiment's scorer `name` (version 1 creates the scorer). Run in a transaction. */
export async function registerScorer(db: Db, experimentId: string, name: string, serialized: string): Promise<Scorer> {
  const expId = await activeExperiment(db, experimentId);
  checkSerializedScorer(serialized);
  let scorer = await db.selectFrom('scorers').select('scorer_id').where('experiment_id', '=', expId).where('scorer_name', '=', name).executeTakeFirst();
  if (!scorer) {
    scorer = { scorer_id: randomUUID() };
    await db.insertInto('scorers').values({ scorer_id: scorer.scorer_id, experiment_id: expId, scorer_name: name }).execute();
  }
  const max = await db.selectFrom('scorer_versions').select((eb) => eb.fn.max('scorer_version').as('v')).where('scorer_id', '=', scorer.scorer_id).executeTakeFirst();
  const row = { scorer_id: scorer.scorer_id, scorer_version: Number(max?.v ?? 0) + 1, serialized_scorer: serialized, creation_time: Date.now() };
  await db.insertInto('scorer_versions').values(row).execute();
  return scorerRowToScorer({ ...row, experiment_id: expId, scorer_name: name });
}

/** The latest version of every scorer of the experiment, by name. */
export async function listScorers(db: Db, experimentId: string): Promise<Scorer[]> {
  const expId = await activeExperiment(db, experimentId);
  const rows = await versions(db)
    .where('s.experiment_id', '=', expId)
    .where('v.scorer_version', '=', (eb) => eb.selectFrom('scorer_versions as m').select((e) => e.fn.max('m.scorer_version').as('mv')).whereRef('m.scorer_id', '=', 'v.scorer_id'))
    .orderBy('s.scorer_name')
    .execute();
  return rows.map(scorerRowToScorer);
}

export async function listScorerVersions(db: Db, experimentId: string, name: string): Promise<Scorer[]> {
  const expId = await activeExperiment(db, experimentId);
  const rows = await versions(db).where('s.experiment_id', '=', expId).where('s.scorer_name', '=', name).orderBy('v.scorer_version').execute();
  if (rows.length === 0) throw notFound(experimentId, name);
  return rows.map(scorerRowToScorer);
}

/** One version, or the latest when `version` is undefined. */
export async function getScorer(db: Db, experimentId: string, name: string, version?: number): Promise<Scorer> {
  const expId = await activeExperiment(db, experimentId);
  let q = versions(db).where('s.experiment_id', '=', expId).where('s.scorer_name', '=', name);
  if (version !== undefined) q = q.where('v.scorer_version', '=', version);
  const row = await q.orderBy('v.scorer_version', 'desc').limit(1).executeTakeFirst();
  if (!row) throw notFound(experimentId, name, version);
  return scorerRowToScorer(row);
}

/** Deletes one version, or the scorer with every version when `version` is undefined. Run in a transaction. */
export async function deleteScorer(db: Db, experimentId: string, name: string, version?: number): Promise<void> {
  const expId = await activeExperiment(db, experimentId);
  const scorer = await db.selectFrom('scorers').select('scorer_id').where('experiment_id', '=', expId).where('scorer_name', '=', name).executeTakeFirst();
  if (!scorer) throw notFound(experimentId, name);
  let q = db.deleteFrom('scorer_versions').where('scorer_id', '=', scorer.scorer_id);
  if (version !== undefined) q = q.where('scorer_version', '=', version);
  const res = await q.executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound(experimentId, name, version);
  if (version === undefined) await db.deleteFrom('scorers').where('scorer_id', '=', scorer.scorer_id).execute();
}

/** The scorer's id, for online-scoring configuration (404 when the experiment has no such scorer). */
export async function requireScorerId(db: Db, experimentId: string, name: string): Promise<string> {
  const expId = await activeExperiment(db, experimentId);
  const scorer = await db.selectFrom('scorers').select('scorer_id').where('experiment_id', '=', expId).where('scorer_name', '=', name).executeTakeFirst();
  if (!scorer) throw notFound(experimentId, name);
  return scorer.scorer_id;
}
