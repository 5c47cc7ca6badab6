import { Hono } from 'hono';
import { deleteDatasetRecords, getDatasetRecords, upsertDatasetRecords } from '../../store/dataset-records.js';
import {
  addDatasetToExperiments,
  createDataset,
  datasetNotFound,
  deleteDataset,
  deleteDatasetTag,
  getDataset,
  getDatasetExperimentIds,
  removeDatasetFromExperiments,
  setDatasetTags,
} from '../../store/datasets.js';
import type { Db } from '../../store/db.js';
import { searchEvaluationDatasets } from '../../store/search-datasets.js';
import type { AppDeps } from '../deps.js';
import {
  CreateDatasetRequest,
  type DatasetResponse,
  DatasetExperimentsRequest,
  DeleteDatasetRecordsRequest,
  type DeleteDatasetRecordsResponse,
  type GetDatasetExperimentIdsResponse,
  GetDatasetRecordsRequest,
  type GetDatasetRecordsResponse,
  SearchEvaluationDatasetsRequest,
  type SearchEvaluationDatasetsResponse,
  SetDatasetTagsRequest,
  UpsertDatasetRecordsRequest,
  type UpsertDatasetRecordsResponse,
} from '../schemas/datasets.js';
import { readJson, readQuery } from '../validate.js';

async function datasetResponse(db: Db, id: string): Promise<DatasetResponse> {
  const dataset = await getDataset(db, id);
  if (!dataset) throw datasetNotFound(id);
  return { dataset };
}

/** MLflow 3 evaluation datasets (mlflow-protocol.md §6.3). The dataset id in the path wins over any in the body. */
export function datasetsRoutes(deps: AppDeps) {
  const { db } = deps.store;
  return new Hono()
    .post('/datasets/create', async (c) => {
      const req = await readJson(c, CreateDatasetRequest);
      const id = await db.transaction().execute((trx) => createDataset(trx, req));
      return c.json((await datasetResponse(db, id)) satisfies DatasetResponse);
    })
    .post('/datasets/search', async (c) => {
      const req = await readJson(c, SearchEvaluationDatasetsRequest);
      const { datasets, nextPageToken } = await searchEvaluationDatasets(deps.store, req);
      return c.json({ datasets, ...(nextPageToken && { next_page_token: nextPageToken }) } satisfies SearchEvaluationDatasetsResponse);
    })
    .get('/datasets/search', async (c) => {
      const req = readQuery(c, SearchEvaluationDatasetsRequest);
      const { datasets, nextPageToken } = await searchEvaluationDatasets(deps.store, req);
      return c.json({ datasets, ...(nextPageToken && { next_page_token: nextPageToken }) } satisfies SearchEvaluationDatasetsResponse);
    })
    .get('/datasets/:dataset_id', async (c) => c.json((await datasetResponse(db, c.req.param('dataset_id'))) satisfies DatasetResponse))
    .delete('/datasets/:dataset_id', async (c) => {
      await db.transaction().execute((trx) => deleteDataset(trx, c.req.param('dataset_id')));
      return c.json({});
    })
    .patch('/datasets/:dataset_id/tags', async (c) => {
      const id = c.req.param('dataset_id');
      const { tags } = await readJson(c, SetDatasetTagsRequest);
      await db.transaction().execute((trx) => setDatasetTags(trx, id, tags));
      return c.json((await datasetResponse(db, id)) satisfies DatasetResponse);
    })
    .delete('/datasets/:dataset_id/tags/:key', async (c) => {
      await deleteDatasetTag(db, c.req.param('dataset_id'), c.req.param('key'));
      return c.json({});
    })
    .post('/datasets/:dataset_id/records', async (c) => {
      const id = c.req.param('dataset_id');
      const { records, updated_by } = await readJson(c, UpsertDatasetRecordsRequest);
      const { inserted, updated } = await db.transaction().execute((trx) => upsertDatasetRecords(trx, id, records, updated_by));
      return c.json({ inserted_count: inserted, updated_count: updated } satisfies UpsertDatasetRecordsResponse);
    })
    .get('/datasets/:dataset_id/records', async (c) => {
      const { max_results, page_token } = readQuery(c, GetDatasetRecordsRequest);
      const { records, nextPageToken } = await getDatasetRecords(db, c.req.param('dataset_id'), max_results, page_token);
      return c.json({ records: JSON.stringify(records), ...(nextPageToken && { next_page_token: nextPageToken }) } satisfies GetDatasetRecordsResponse);
    })
    .delete('/datasets/:dataset_id/records', async (c) => {
      const { dataset_record_ids } = await readJson(c, DeleteDatasetRecordsRequest);
      const deleted = await db.transaction().execute((trx) => deleteDatasetRecords(trx, c.req.param('dataset_id'), dataset_record_ids));
      return c.json({ deleted_count: deleted } satisfies DeleteDatasetRecordsResponse);
    })
    .get('/datasets/:dataset_id/experiment-ids', async (c) => {
      const experimentIds = await getDatasetExperimentIds(db, c.req.param('dataset_id'));
      return c.json({ experiment_ids: experimentIds } satisfies GetDatasetExperimentIdsResponse);
    })
    .post('/datasets/:dataset_id/add-experiments', async (c) => {
      const id = c.req.param('dataset_id');
      const { experiment_ids } = await readJson(c, DatasetExperimentsRequest);
      await db.transaction().execute((trx) => addDatasetToExperiments(trx, id, experiment_ids));
      return c.json((await datasetResponse(db, id)) satisfies DatasetResponse);
    })
    .post('/datasets/:dataset_id/remove-experiments', async (c) => {
      const id = c.req.param('dataset_id');
      const { experiment_ids } = await readJson(c, DatasetExperimentsRequest);
      await db.transaction().execute((trx) => removeDatasetFromExperiments(trx, id, experiment_ids));
      return c.json((await datasetResponse(db, id)) satisfies DatasetResponse);
    });
}
