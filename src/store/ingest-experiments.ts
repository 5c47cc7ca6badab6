import { MlflowError } from '../server/errors.js';
import type { Db } from './db.js';
import { isUniqueViolation } from './errors.js';

/** Checks that spans may be written to this experiment: it exists (else 404) and is active (else 400). */
export async function requireActiveExperiment(db: Db, experimentId: string): Promise<number> {
  const id = /^\d{1,15}$/.test(experimentId) ? Number(experimentId) : NaN;
  const row = Number.isNaN(id)
    ? undefined
    : await db.selectFrom('experiments').select(['experiment_id', 'lifecycle_stage']).where('experiment_id', '=', id).executeTakeFirst();
  if (!row) throw MlflowError.notFound(`Could not find experiment with ID ${experimentId}`);
  if (row.lifecycle_stage !== 'active') throw MlflowError.invalidParameter(`Experiment ${experimentId} is deleted; restore it or send spans to an active experiment`);
  return Number(row.experiment_id);
}

/**
 * The experiment named after an OTLP resource's service.name, created on first use. Two requests
 * racing to create it both succeed: the loser's unique violation is answered by reading the winner's row.
 */
export async function experimentIdForName(db: Db, name: string): Promise<number> {
  const found = await db.selectFrom('experiments').select(['experiment_id', 'lifecycle_stage']).where('name', '=', name).executeTakeFirst();
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
    const row = await db.selectFrom('experiments').select(['experiment_id', 'lifecycle_stage']).where('name', '=', name).executeTakeFirstOrThrow();
    return activeId(row, name);
  }
}

function activeId(row: { experiment_id: number; lifecycle_stage: string }, name: string): number {
  if (row.lifecycle_stage !== 'active') throw MlflowError.invalidParameter(`Experiment '${name}' (from service.name) is deleted; restore it or set x-mlflow-experiment-id`);
  return Number(row.experiment_id);
}
