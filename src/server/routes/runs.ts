import { Hono } from 'hono';
import { deleteTag, logBatch, logInputs, logModel, logOutputs } from '../../store/run-data.js';
import { createRun, getRun, getRuns, setRunLifecycle, updateRun } from '../../store/runs.js';
import { searchRuns } from '../../store/search-runs.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  CreateRunRequest,
  type CreateRunResponse,
  DeleteRunRequest,
  DeleteTagRequest,
  type EmptyResponse,
  GetRunRequest,
  type GetRunResponse,
  LogBatchRequest,
  LogInputsRequest,
  LogMetricRequest,
  LogModelRequest,
  LogOutputsRequest,
  LogParamRequest,
  parseLogBatchFast,
  RestoreRunRequest,
  SearchRunsRequest,
  type SearchRunsResponse,
  SetTagRequest,
  UpdateRunRequest,
  type UpdateRunResponse,
} from '../schemas/runs.js';
import { readJson, readQuery } from '../validate.js';

const MAX_SEARCH_RESULTS = 50_000;

/** Clients send run_id, run_uuid (older ones) or both; one of them is required. */
export function runIdOf(req: { run_id?: string; run_uuid?: string }): string {
  const id = req.run_id || req.run_uuid;
  if (!id) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'.");
  return id;
}

export function runsRoutes({ store }: AppDeps) {
  const { db } = store;
  const ok = {} satisfies EmptyResponse;
  return new Hono()
    .post('/runs/create', async (c) => {
      const run = await createRun(db, await readJson(c, CreateRunRequest));
      return c.json({ run } satisfies CreateRunResponse);
    })
    .post('/runs/update', async (c) => {
      const req = await readJson(c, UpdateRunRequest);
      const run_info = await updateRun(db, runIdOf(req), req);
      return c.json({ run_info } satisfies UpdateRunResponse);
    })
    .post('/runs/delete', async (c) => {
      await setRunLifecycle(db, runIdOf(await readJson(c, DeleteRunRequest)), 'deleted');
      return c.json(ok);
    })
    .post('/runs/restore', async (c) => {
      await setRunLifecycle(db, runIdOf(await readJson(c, RestoreRunRequest)), 'active');
      return c.json(ok);
    })
    .get('/runs/get', async (c) => {
      const runId = runIdOf(readQuery(c, GetRunRequest));
      const run = await getRun(db, runId);
      if (!run) throw MlflowError.notFound(`Run with id=${runId} not found`);
      return c.json({ run } satisfies GetRunResponse);
    })
    .post('/runs/log-metric', async (c) => {
      const { run_id, run_uuid, ...metric } = await readJson(c, LogMetricRequest);
      await logBatch(store, runIdOf({ run_id, run_uuid }), { metrics: [metric], params: [], tags: [] });
      return c.json(ok);
    })
    .post('/runs/log-parameter', async (c) => {
      const { run_id, run_uuid, key, value } = await readJson(c, LogParamRequest);
      await logBatch(store, runIdOf({ run_id, run_uuid }), { metrics: [], params: [{ key, value }], tags: [] }, { singleParam: true });
      return c.json(ok);
    })
    .post('/runs/set-tag', async (c) => {
      const { run_id, run_uuid, key, value } = await readJson(c, SetTagRequest);
      await logBatch(store, runIdOf({ run_id, run_uuid }), { metrics: [], params: [], tags: [{ key, value }] });
      return c.json(ok);
    })
    .post('/runs/delete-tag', async (c) => {
      const req = await readJson(c, DeleteTagRequest);
      await deleteTag(db, runIdOf(req), req.key);
      return c.json(ok);
    })
    .post('/runs/log-batch', async (c) => {
      const { metrics, params, tags, ...ids } = await readJson(c, LogBatchRequest, parseLogBatchFast);
      await logBatch(store, runIdOf(ids), { metrics, params, tags });
      return c.json(ok);
    })
    .post('/runs/log-inputs', async (c) => {
      const req = await readJson(c, LogInputsRequest);
      await logInputs(db, runIdOf(req), req.datasets, req.models);
      return c.json(ok);
    })
    .post('/runs/outputs', async (c) => {
      const req = await readJson(c, LogOutputsRequest);
      await logOutputs(db, runIdOf(req), req.models);
      return c.json(ok);
    })
    .post('/runs/log-model', async (c) => {
      const req = await readJson(c, LogModelRequest);
      await logModel(db, runIdOf(req), req.model_json);
      return c.json(ok);
    })
    .post('/runs/search', async (c) => {
      const req = await readJson(c, SearchRunsRequest);
      if (req.max_results > MAX_SEARCH_RESULTS) {
        throw MlflowError.invalidParameter(`Invalid value ${req.max_results} for parameter 'max_results' supplied. It must be at most ${MAX_SEARCH_RESULTS}`);
      }
      const page = await searchRuns(store, {
        experimentIds: req.experiment_ids,
        filter: req.filter,
        runViewType: req.run_view_type,
        maxResults: req.max_results,
        orderBy: req.order_by,
        pageToken: req.page_token,
      });
      const runs = await getRuns(db, page.runIds);
      return c.json({ runs, ...(page.nextPageToken && { next_page_token: page.nextPageToken }) } satisfies SearchRunsResponse);
    });
}
