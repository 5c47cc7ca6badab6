import { Hono } from 'hono';
import type { Store } from '../../store/db.js';
import { searchTraces } from '../../store/search-traces.js';
import { getTraceSpans, toOtelSpanJson } from '../../store/spans.js';
import {
  deleteTraces,
  deleteTraceTag,
  findExperiment,
  getTraceInfo,
  getTraceInfos,
  IMMUTABLE_TAGS,
  linkPromptsToTrace,
  linkTracesToRun,
  setTraceTag,
  startTrace,
  traceInfosFromRows,
} from '../../store/traces.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  BatchGetTraceInfosRequest,
  type BatchGetTraceInfosResponse,
  BatchGetTracesQuery,
  type BatchGetTracesResponse,
  DeleteTracesRequest,
  type DeleteTracesResponse,
  DeleteTraceTagRequest,
  GetTraceQuery,
  type GetTraceResponse,
  LinkPromptsToTraceRequest,
  LinkTracesToRunRequest,
  SearchTracesV3Request,
  type SearchTracesV3Response,
  SetTraceTagRequest,
  StartTraceV3Request,
  type TraceInfoResponse,
  type TraceInfoV3,
} from '../schemas/traces.js';
import { readJson, readQuery } from '../validate.js';

const traceNotFound = (id: string) => MlflowError.notFound(`Trace with ID '${id}' not found.`);

/** The MLflow V3 trace API (mlflow-protocol.md §4.3). Static paths are registered before /traces/:trace_id. */
export function tracesRoutes(deps: AppDeps) {
  const { store } = deps;
  const { db } = store;
  return new Hono()
    .post('/traces/search', async (c) => {
      const req = await readJson(c, SearchTracesV3Request);
      const experimentIds = searchExperimentIds(req.locations, req.experiment_ids);
      const page = await searchTraces(store, { experimentIds, filter: req.filter, maxResults: req.max_results ?? 100, orderBy: req.order_by, pageToken: req.page_token });
      const traces = await traceInfosFromRows(db, page.rows);
      return c.json({ traces, ...(page.nextPageToken && { next_page_token: page.nextPageToken }) } satisfies SearchTracesV3Response);
    })
    .post('/traces/batchGetInfos', async (c) => {
      const req = await readJson(c, BatchGetTraceInfosRequest);
      return c.json({ trace_infos: await getTraceInfos(db, req.trace_ids) } satisfies BatchGetTraceInfosResponse);
    })
    .get('/traces/batchGet', async (c) => {
      const req = readQuery(c, BatchGetTracesQuery);
      const infos = await getTraceInfos(db, req.trace_ids);
      const traces = await Promise.all(infos.map(async (info) => ({ trace_info: info, spans: await spansJson(store, info.trace_id) })));
      return c.json({ traces } satisfies BatchGetTracesResponse);
    })
    .get('/traces/get', async (c) => {
      const req = readQuery(c, GetTraceQuery);
      const info = await getTraceInfo(db, req.trace_id);
      if (!info) throw traceNotFound(req.trace_id);
      if (!req.allow_partial) await waitForSpans(store, info);
      const spans = await spansJson(store, req.trace_id);
      if (spans.length === 0 || (!req.allow_partial && spans.length < expectedSpans(info))) {
        throw MlflowError.notFound(`Trace with ID '${req.trace_id}' is not fully exported yet: its spans are not in the tracking store.`);
      }
      return c.json({ trace: { trace_info: (await getTraceInfo(db, req.trace_id)) ?? info, spans } } satisfies GetTraceResponse);
    })
    .post('/traces/delete-traces', async (c) => {
      const req = await readJson(c, DeleteTracesRequest);
      const byTime = req.max_timestamp_millis !== undefined;
      const byIds = req.request_ids !== undefined && req.request_ids.length > 0;
      if (byTime === byIds) throw MlflowError.invalidParameter('Exactly one of max_timestamp_millis and request_ids must be specified.');
      if (req.max_traces !== undefined && !byTime) throw MlflowError.invalidParameter('max_traces can only be used together with max_timestamp_millis.');
      const deleted = await db.transaction().execute((trx) => deleteTraces(trx, req));
      return c.json({ traces_deleted: deleted } satisfies DeleteTracesResponse);
    })
    .post('/traces/link-to-run', async (c) => {
      const req = await readJson(c, LinkTracesToRunRequest);
      await db.transaction().execute((trx) => linkTracesToRun(trx, req.trace_ids, req.run_id));
      return c.json({});
    })
    .post('/traces/link-prompts', async (c) => {
      const req = await readJson(c, LinkPromptsToTraceRequest);
      const found = await db.transaction().execute((trx) => linkPromptsToTrace(trx, req.trace_id, req.prompt_versions));
      if (!found) throw traceNotFound(req.trace_id);
      return c.json({});
    })
    .post('/traces', async (c) => {
      const { trace } = await readJson(c, StartTraceV3Request);
      const info = trace.trace_info;
      const experimentId = info.trace_location.mlflow_experiment?.experiment_id;
      if (!experimentId) throw MlflowError.invalidParameter("Missing value for required parameter 'trace.trace_info.trace_location.mlflow_experiment.experiment_id'");
      const experiment = await findExperiment(db, experimentId);
      if (!experiment) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
      if (experiment.lifecycle_stage !== 'active') {
        throw MlflowError.invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`);
      }
      await db.transaction().execute((trx) => startTrace(trx, info, Number(experiment.experiment_id), experiment.artifact_location));
      return c.json({ trace: { trace_info: (await getTraceInfo(db, info.trace_id))! } } satisfies TraceInfoResponse);
    })
    .patch('/traces/:trace_id/tags', async (c) => {
      const req = await readJson(c, SetTraceTagRequest);
      if (IMMUTABLE_TAGS.has(req.key)) throw MlflowError.invalidParameter(`Tag '${req.key}' is immutable and cannot be set.`);
      if (!(await setTraceTag(db, c.req.param('trace_id'), req.key, req.value))) throw traceNotFound(c.req.param('trace_id'));
      return c.json({});
    })
    .delete('/traces/:trace_id/tags', async (c) => {
      const req = await readJson(c, DeleteTraceTagRequest.partial());
      const key = req.key ?? c.req.query('key');
      if (!key) throw MlflowError.invalidParameter("Missing value for required parameter 'key'.");
      if (IMMUTABLE_TAGS.has(key)) throw MlflowError.invalidParameter(`Tag '${key}' is immutable and cannot be deleted.`);
      const traceId = c.req.param('trace_id');
      if (!(await deleteTraceTag(db, traceId, key))) {
        throw MlflowError.notFound(`No trace tag with key '${key}' for trace with ID '${traceId}'`);
      }
      return c.json({});
    })
    .get('/traces/:trace_id', async (c) => {
      const info = await getTraceInfo(db, c.req.param('trace_id'));
      if (!info) throw traceNotFound(c.req.param('trace_id'));
      return c.json({ trace: { trace_info: info } } satisfies TraceInfoResponse);
    });
}

function searchExperimentIds(locations: { mlflow_experiment?: { experiment_id: string } }[] | undefined, experimentIds: string[] | undefined): number[] {
  const ids = [...(locations ?? []).flatMap((l) => (l.mlflow_experiment ? [l.mlflow_experiment.experiment_id] : [])), ...(experimentIds ?? [])];
  if (ids.length === 0) throw MlflowError.invalidParameter('SearchTracesV3 needs at least one MLFLOW_EXPERIMENT location (or experiment_ids).');
  for (const id of ids) if (!/^\d{1,18}$/.test(id)) throw MlflowError.invalidParameter(`Invalid experiment id '${id}' in locations: it must be a decimal id.`);
  return ids.map(Number);
}

async function spansJson(store: Store, traceId: string): Promise<Record<string, unknown>[]> {
  return (await getTraceSpans(store, traceId)).map(toOtelSpanJson);
}

/** Span count the client declared in metadata mlflow.trace.sizeStats (0 when unknown). */
function expectedSpans(info: TraceInfoV3): number {
  try {
    const n = JSON.parse(info.trace_metadata['mlflow.trace.sizeStats'] ?? '{}').num_spans;
    return typeof n === 'number' ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * StartTraceV3 and the OTLP batches race (mlflow-protocol.md §4.1): like the Python server, wait up
 * to ~3 s for the declared number of spans before answering "not fully exported yet".
 */
async function waitForSpans(store: Store, info: TraceInfoV3): Promise<void> {
  const expected = expectedSpans(info);
  if (expected === 0) return;
  for (let waited = 0; waited < 3000; waited += 100) {
    const row = await store.db.selectFrom('trace_info').select('num_spans').where('trace_id', '=', info.trace_id).executeTakeFirst();
    if (!row || Number(row.num_spans) >= expected) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}
