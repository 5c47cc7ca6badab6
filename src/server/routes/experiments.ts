import { Hono, type Context } from 'hono';
import { searchExperiments } from '../../store/search-experiments.js';
import {
  createExperiment,
  deleteExperimentTag,
  getExperimentByName,
  getExperiments,
  renameExperiment,
  requireExperiment,
  searchDatasets,
  setExperimentLifecycle,
  setExperimentTag,
} from '../../store/experiments.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  CreateExperimentRequest,
  type CreateExperimentResponse,
  DeleteExperimentRequest,
  DeleteExperimentTagRequest,
  GetExperimentByNameRequest,
  GetExperimentRequest,
  type GetExperimentResponse,
  RestoreExperimentRequest,
  SearchDatasetsRequest,
  type SearchDatasetsResponse,
  SearchExperimentsRequest,
  type SearchExperimentsResponse,
  SetExperimentTagRequest,
  UpdateExperimentRequest,
} from '../schemas/experiments.js';
import type { EmptyResponse } from '../schemas/runs.js';
import { readJson, readQuery } from '../validate.js';

const MAX_SEARCH_RESULTS = 50_000;

export function experimentsRoutes({ store }: AppDeps) {
  const { db } = store;

  /** SearchExperiments is POST for the Python client and GET for older callers; same contract. */
  const search = async (c: Context, req: SearchExperimentsRequest) => {
    if (req.max_results < 1 || req.max_results > MAX_SEARCH_RESULTS) {
      throw MlflowError.invalidParameter(`Invalid value ${req.max_results} for parameter 'max_results' supplied. It must be between 1 and ${MAX_SEARCH_RESULTS}.`);
    }
    const page = await searchExperiments(store, {
      filter: req.filter,
      viewType: req.view_type,
      maxResults: req.max_results,
      orderBy: req.order_by,
      pageToken: req.page_token,
    });
    const experiments = await getExperiments(db, page.experimentIds);
    return c.json({ experiments, ...(page.nextPageToken && { next_page_token: page.nextPageToken }) } satisfies SearchExperimentsResponse);
  };

  return new Hono()
    .get('/experiments/get-by-name', async (c) => {
      const { experiment_name } = readQuery(c, GetExperimentByNameRequest);
      const experiment = await getExperimentByName(db, experiment_name);
      if (!experiment) throw MlflowError.notFound(`Could not find experiment with name '${experiment_name}'`);
      return c.json({ experiment } satisfies GetExperimentResponse);
    })
    .post('/experiments/create', async (c) => {
      const req = await readJson(c, CreateExperimentRequest);
      if (req.artifact_location && /[#;]/.test(req.artifact_location)) {
        throw MlflowError.invalidParameter("'artifact_location' URL can't include fragments or params.");
      }
      const experiment_id = await createExperiment(db, req);
      return c.json({ experiment_id } satisfies CreateExperimentResponse);
    })
    .get('/experiments/get', async (c) => {
      const { experiment_id } = readQuery(c, GetExperimentRequest);
      return c.json({ experiment: await requireExperiment(db, experiment_id) } satisfies GetExperimentResponse);
    })
    .post('/experiments/search', async (c) => search(c, await readJson(c, SearchExperimentsRequest)))
    .get('/experiments/search', async (c) => search(c, readQuery(c, SearchExperimentsRequest)))
    .post('/experiments/delete', async (c) => {
      const { experiment_id } = await readJson(c, DeleteExperimentRequest);
      await setExperimentLifecycle(db, experiment_id, 'deleted');
      return c.json({} satisfies EmptyResponse);
    })
    .post('/experiments/restore', async (c) => {
      const { experiment_id } = await readJson(c, RestoreExperimentRequest);
      await setExperimentLifecycle(db, experiment_id, 'active');
      return c.json({} satisfies EmptyResponse);
    })
    .post('/experiments/update', async (c) => {
      const { experiment_id, new_name } = await readJson(c, UpdateExperimentRequest);
      await renameExperiment(db, experiment_id, new_name);
      return c.json({} satisfies EmptyResponse);
    })
    .post('/experiments/set-experiment-tag', async (c) => {
      const { experiment_id, key, value } = await readJson(c, SetExperimentTagRequest);
      await setExperimentTag(db, experiment_id, key, value);
      return c.json({} satisfies EmptyResponse);
    })
    .post('/experiments/delete-experiment-tag', async (c) => {
      const { experiment_id, key } = await readJson(c, DeleteExperimentTagRequest);
      await deleteExperimentTag(db, experiment_id, key);
      return c.json({} satisfies EmptyResponse);
    })
    .post('/experiments/search-datasets', async (c) => {
      const { experiment_ids } = await readJson(c, SearchDatasetsRequest);
      return c.json({ dataset_summaries: await searchDatasets(db, experiment_ids) } satisfies SearchDatasetsResponse);
    });
}
