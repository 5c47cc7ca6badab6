import { GlassboxError } from '../client/errors.js';
import type { RestClient } from '../client/rest.js';

/**
 * MLflow's `set_experiment` sequence: get-by-name; if RESOURCE_DOES_NOT_EXIST, create; if the
 * create races another client (RESOURCE_ALREADY_EXISTS), get-by-name again. A deleted experiment
 * is an error, as in MLflow. No name and no id means experiment "0" (Default).
 */
export async function resolveExperimentId(client: RestClient, target: { experimentId?: string; experimentName?: string }): Promise<string> {
  if (target.experimentId) return target.experimentId;
  const name = target.experimentName;
  if (!name) return '0';
  const byName = async () => {
    const res = await client.request('GET', '/api/2.0/mlflow/experiments/get-by-name', { experiment_name: name });
    if (res.experiment?.lifecycle_stage && res.experiment.lifecycle_stage !== 'active') {
      throw new GlassboxError('INVALID_PARAMETER_VALUE', `Experiment '${name}' is deleted; restore it or choose another name`);
    }
    return String(res.experiment.experiment_id);
  };
  try {
    return await byName();
  } catch (err) {
    if (!(err instanceof GlassboxError) || err.code !== 'RESOURCE_DOES_NOT_EXIST') throw err;
  }
  try {
    const created = await client.request('POST', '/api/2.0/mlflow/experiments/create', { name });
    return String(created.experiment_id);
  } catch (err) {
    if (err instanceof GlassboxError && err.code === 'RESOURCE_ALREADY_EXISTS') return byName();
    throw err;
  }
}
