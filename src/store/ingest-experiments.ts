import type Database from 'better-sqlite3';
import { MlflowError } from '../server/errors.js';
import type { Store } from './db.js';
import { isUniqueViolation } from './errors.js';

type ExperimentRow = { experiment_id: number; lifecycle_stage: string };

const lookups = new WeakMap<Database.Database, { byId: Database.Statement; byName: Database.Statement }>();

/**
 * The experiment row by id or name. Every OTLP request asks this once, so on SQLite it is a cached
 * prepared statement on the raw handle rather than a kysely query (a tenth of the cost).
 */
async function findExperiment(store: Store, by: 'id' | 'name', key: number | string): Promise<ExperimentRow | undefined> {
  if (store.sqlite) {
    let s = lookups.get(store.sqlite);
    if (!s) {
      const q = (col: string) => store.sqlite!.prepare(`SELECT experiment_id, lifecycle_stage FROM experiments WHERE ${col} = ?`);
      lookups.set(store.sqlite, (s = { byId: q('experiment_id'), byName: q('name') }));
    }
    return (by === 'id' ? s.byId : s.byName).get(key) as ExperimentRow | undefined;
  }
  return store.db
    .selectFrom('experiments')
    .select(['experiment_id', 'lifecycle_stage'])
    .where(by === 'id' ? 'experiment_id' : 'name', '=', key as never)
    .executeTakeFirst();
}

/** Checks that spans may be written to this experiment: it exists (else 404) and is active (else 400). */
export async function requireActiveExperiment(store: Store, experimentId: string): Promise<number> {
  const id = /^\d{1,15}$/.test(experimentId) ? Number(experimentId) : NaN;
  const row = Number.isNaN(id) ? undefined : await findExperiment(store, 'id', id);
  if (!row) throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
  if (row.lifecycle_stage !== 'active') throw MlflowError.invalidParameter(`Experiment ${experimentId} is deleted; restore it or send spans to an active experiment`);
  return Number(row.experiment_id);
}

/**
 * The experiment named after an OTLP resource's service.name, created on first use. Two requests
 * racing to create it both succeed: the loser's unique violation is answered by reading the winner's row.
 */
export async function experimentIdForName(store: Store, name: string): Promise<number> {
  const db = store.db;
  const found = await findExperiment(store, 'name', name);
  if (found) return activeId(found, name);
  const now = Date.now();
  try {
    return await db.transaction().execute(async (trx) => {
      const { experiment_id } = await trx
        .insertInto('experiments')
        .values({ name, artifact_location: '', lifecycle_stage: 'active', creation_time: now, last_update_time: now })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('experiments').set({ artifact_location: `mlflow-artifacts:/${experiment_id}` }).where('experiment_id', '=', experiment_id).execute();
      return Number(experiment_id);
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const row = await findExperiment(store, 'name', name);
    if (!row) throw err;
    return activeId(row, name);
  }
}

function activeId(row: ExperimentRow, name: string): number {
  if (row.lifecycle_stage !== 'active') throw MlflowError.invalidParameter(`Experiment '${name}' (from service.name) is deleted; restore it or set x-mlflow-experiment-id`);
  return Number(row.experiment_id);
}
