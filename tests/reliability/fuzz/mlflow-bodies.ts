import type { Rng } from './rng.js';
import { damageText, mutateBody, weirdValue, type FuzzCase } from './values.js';

/** Entities created before fuzzing, so that mutated bodies also reach the code behind the lookups. */
export interface FuzzTargets {
  expId: string;
  /** An experiment destructive endpoints (delete, restore, delete-traces) may hit. */
  spareExpId: string;
  runId: string;
  spareRunId: string;
  traceId: string;
  modelName: string;
  spareModelName: string;
  loggedModelId: string;
}

const A2 = '/api/2.0/mlflow';
const A3 = '/api/3.0/mlflow';

/** One valid request body per main POST/PATCH/DELETE endpoint; the fuzzer mutates these. */
export function bodyTemplates(t: FuzzTargets): { method: string; path: string; body: Record<string, unknown> }[] {
  const now = 1_780_000_000_000;
  const traceInfo = {
    trace_id: 'tr-00000000000000000000000000abcdef',
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.expId } },
    request_time: '2026-04-29T10:00:00.123Z',
    execution_duration: '0.532s',
    state: 'OK',
    trace_metadata: { 'mlflow.user': 'fuzz' },
    tags: { 'mlflow.traceName': 'f' },
    assessments: [],
  };
  return [
    { method: 'POST', path: `${A2}/experiments/create`, body: { name: 'fuzz-exp', artifact_location: '', tags: [{ key: 'k', value: 'v' }] } },
    { method: 'POST', path: `${A2}/experiments/search`, body: { max_results: 10, filter: "name LIKE 'f%'", order_by: ['name ASC'], view_type: 'ALL', page_token: '' } },
    { method: 'POST', path: `${A2}/experiments/update`, body: { experiment_id: t.spareExpId, new_name: 'fuzz-renamed' } },
    { method: 'POST', path: `${A2}/experiments/set-experiment-tag`, body: { experiment_id: t.expId, key: 'k', value: 'v' } },
    { method: 'POST', path: `${A2}/experiments/delete-experiment-tag`, body: { experiment_id: t.expId, key: 'k' } },
    { method: 'POST', path: `${A2}/experiments/delete`, body: { experiment_id: t.spareExpId } },
    { method: 'POST', path: `${A2}/experiments/restore`, body: { experiment_id: t.spareExpId } },
    { method: 'POST', path: `${A2}/runs/create`, body: { experiment_id: t.expId, user_id: 'u', run_name: 'r', start_time: now, tags: [{ key: 'mlflow.user', value: 'u' }] } },
    { method: 'POST', path: `${A2}/runs/update`, body: { run_id: t.runId, run_uuid: t.runId, status: 'FINISHED', end_time: now, run_name: 'r2' } },
    { method: 'POST', path: `${A2}/runs/log-metric`, body: { run_id: t.runId, key: 'loss', value: 0.5, timestamp: now, step: 1 } },
    { method: 'POST', path: `${A2}/runs/log-parameter`, body: { run_id: t.runId, key: 'p', value: 'v' } },
    { method: 'POST', path: `${A2}/runs/set-tag`, body: { run_id: t.runId, key: 't', value: 'v' } },
    { method: 'POST', path: `${A2}/runs/delete-tag`, body: { run_id: t.runId, key: 't' } },
    {
      method: 'POST',
      path: `${A2}/runs/log-batch`,
      body: { run_id: t.runId, metrics: [{ key: 'm', value: 1, timestamp: now, step: 0 }, { key: 'm2', value: 'NaN', timestamp: now, step: 2 }], params: [{ key: 'bp', value: '1' }], tags: [{ key: 'bt', value: 'x' }] },
    },
    { method: 'POST', path: `${A2}/runs/log-inputs`, body: { run_id: t.runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: 'd', digest: 'abc', source_type: 'local', source: '{}' } }] } },
    { method: 'POST', path: `${A2}/runs/outputs`, body: { run_id: t.runId, models: [{ model_id: t.loggedModelId, step: 0 }] } },
    { method: 'POST', path: `${A2}/runs/log-model`, body: { run_id: t.runId, model_json: JSON.stringify({ artifact_path: 'model', flavors: {}, utc_time_created: '2026-01-01 00:00:00', run_id: t.runId }) } },
    { method: 'POST', path: `${A2}/runs/search`, body: { experiment_ids: [t.expId], filter: "metrics.loss < 1 AND params.p = 'v'", run_view_type: 'ACTIVE_ONLY', max_results: 10, order_by: ['metrics.loss DESC'], page_token: '' } },
    { method: 'POST', path: `${A2}/runs/delete`, body: { run_id: t.spareRunId } },
    { method: 'POST', path: `${A2}/runs/restore`, body: { run_id: t.spareRunId } },
    { method: 'POST', path: `${A3}/traces`, body: { trace: { trace_info: traceInfo } } },
    { method: 'POST', path: `${A3}/traces/search`, body: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.expId } }], filter: "attributes.status = 'OK'", max_results: 10, order_by: ['timestamp_ms DESC'], page_token: '' } },
    { method: 'POST', path: `${A3}/traces/batchGetInfos`, body: { trace_ids: [t.traceId] } },
    { method: 'POST', path: `${A2}/traces/delete-traces`, body: { experiment_id: t.spareExpId, max_timestamp_millis: now, max_traces: 10 } },
    { method: 'POST', path: `${A2}/traces/link-to-run`, body: { trace_ids: [t.traceId], run_id: t.runId } },
    { method: 'POST', path: `${A2}/traces/link-prompts`, body: { trace_id: t.traceId, prompt_versions: [{ name: t.modelName, version: '1' }] } },
    { method: 'PATCH', path: `${A2}/traces/${t.traceId}/tags`, body: { key: 'k', value: 'v' } },
    { method: 'DELETE', path: `${A2}/traces/${t.traceId}/tags`, body: { key: 'k' } },
    {
      method: 'POST',
      path: `${A3}/traces/${t.traceId}/assessments`,
      body: { assessment: { assessment_name: 'quality', trace_id: t.traceId, source: { source_type: 'HUMAN', source_id: 'me' }, feedback: { value: 0.5 }, rationale: 'r', metadata: { a: 'b' } } },
    },
    { method: 'POST', path: `${A2}/registered-models/create`, body: { name: 'fuzz-model-2', tags: [{ key: 'k', value: 'v' }], description: 'd' } },
    { method: 'PATCH', path: `${A2}/registered-models/update`, body: { name: t.modelName, description: 'd2' } },
    { method: 'POST', path: `${A2}/registered-models/rename`, body: { name: t.spareModelName, new_name: `${t.spareModelName}-r` } },
    { method: 'POST', path: `${A2}/registered-models/set-tag`, body: { name: t.modelName, key: 'k', value: 'v' } },
    { method: 'DELETE', path: `${A2}/registered-models/delete-tag`, body: { name: t.modelName, key: 'k' } },
    { method: 'POST', path: `${A2}/registered-models/alias`, body: { name: t.modelName, alias: 'prod', version: '1' } },
    { method: 'DELETE', path: `${A2}/registered-models/alias`, body: { name: t.modelName, alias: 'prod' } },
    {
      method: 'POST',
      path: `${A2}/model-versions/create`,
      body: { name: t.modelName, source: 'dummy-source', run_id: t.runId, description: 'c', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }, { key: 'mlflow.prompt.text', value: 'Hi {{name}}' }] },
    },
    { method: 'PATCH', path: `${A2}/model-versions/update`, body: { name: t.modelName, version: '1', description: 'x' } },
    { method: 'POST', path: `${A2}/model-versions/transition-stage`, body: { name: t.modelName, version: '1', stage: 'Staging', archive_existing_versions: false } },
    { method: 'POST', path: `${A2}/model-versions/set-tag`, body: { name: t.modelName, version: '1', key: 'k', value: 'v' } },
    { method: 'DELETE', path: `${A2}/model-versions/delete-tag`, body: { name: t.modelName, version: '1', key: 'k' } },
    { method: 'POST', path: `${A2}/logged-models`, body: { experiment_id: t.expId, name: 'lm', model_type: 'agent', source_run_id: t.runId, params: [{ key: 'a', value: 'b' }], tags: [{ key: 't', value: 'v' }] } },
    { method: 'POST', path: `${A2}/logged-models/search`, body: { experiment_ids: [t.expId], filter: "name = 'lm'", max_results: 10, order_by: [{ field_name: 'creation_time', ascending: false }] } },
    { method: 'PATCH', path: `${A2}/logged-models/${t.loggedModelId}`, body: { model_id: t.loggedModelId, status: 'LOGGED_MODEL_READY' } },
    { method: 'PATCH', path: `${A2}/logged-models/${t.loggedModelId}/tags`, body: { tags: [{ key: 'a', value: 'b' }] } },
    { method: 'POST', path: `${A2}/logged-models/${t.loggedModelId}/params`, body: { params: [{ key: 'p2', value: 'v' }] } },
  ];
}

/** `perTemplate` mutated bodies for every template, plus body-level damage (bad JSON, wrong content types). */
export function mlflowBodyCases(rng: Rng, t: FuzzTargets, perTemplate: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const tpl of bodyTemplates(t)) {
    const json = { 'content-type': 'application/json' };
    for (let i = 0; i < perTemplate; i++) {
      const r = rng.next();
      if (r < 0.08) cases.push({ label: `${tpl.path} damaged JSON`, method: tpl.method, path: tpl.path, headers: json, body: damageText(rng, JSON.stringify(tpl.body)) });
      else if (r < 0.1) cases.push({ label: `${tpl.path} content type`, method: tpl.method, path: tpl.path, headers: { 'content-type': rng.pick(['text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', '']) }, body: JSON.stringify(tpl.body) });
      else if (r < 0.12) cases.push({ label: `${tpl.path} JSON string body`, method: tpl.method, path: tpl.path, headers: json, body: JSON.stringify(JSON.stringify(rng.chance(0.5) ? tpl.body : weirdValue(rng))) });
      else cases.push({ label: `${tpl.path} mutated`, method: tpl.method, path: tpl.path, headers: json, body: JSON.stringify(mutateBody(rng, tpl.body)) });
    }
  }
  return cases;
}
