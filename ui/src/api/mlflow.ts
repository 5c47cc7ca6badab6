import { http, mlflow } from './client';
import type { Experiment, FileInfo, Metric, ModelVersion, RegisteredModel, Run, Trace, TraceInfo } from './types';

const m2 = mlflow('2.0');
const m3 = mlflow('3.0');

export const api = {
  searchExperiments: (body: { filter?: string; max_results?: number; order_by?: string[]; view_type?: string; page_token?: string }) =>
    http.post<{ experiments?: Experiment[]; next_page_token?: string }>(`${m2}/experiments/search`, body),
  getExperiment: (id: string) => http.get<{ experiment: Experiment }>(`${m2}/experiments/get`, { experiment_id: id }),
  searchRuns: (body: { experiment_ids: string[]; filter?: string; order_by?: string[]; max_results?: number; page_token?: string; run_view_type?: string }) =>
    http.post<{ runs?: Run[]; next_page_token?: string }>(`${m2}/runs/search`, body),
  getRun: (runId: string) => http.get<{ run: Run }>(`${m2}/runs/get`, { run_id: runId }),
  metricHistory: (runId: string, key: string) =>
    http.get<{ metrics?: Metric[] }>(`${m2}/metrics/get-history`, { run_id: runId, metric_key: key, max_results: 25000 }),
  listArtifacts: (runId: string, path?: string) =>
    http.get<{ root_uri?: string; files?: FileInfo[] }>(`${m2}/artifacts/list`, { run_id: runId, path }),
  artifactUrl: (runId: string, path: string) => `${m2}/get-artifact?run_id=${encodeURIComponent(runId)}&path=${encodeURIComponent(path)}`,
  searchTraces: (body: { experiment_ids: string[]; filter?: string; order_by?: string[]; max_results?: number; page_token?: string }) =>
    http.post<{ traces?: TraceInfo[]; next_page_token?: string }>(`${m3}/traces/search`, {
      locations: body.experiment_ids.map((id) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } })),
      filter: body.filter,
      order_by: body.order_by,
      max_results: body.max_results,
      page_token: body.page_token,
    }),
  getTrace: (traceId: string) => http.get<{ trace: Trace }>(`${m3}/traces/get`, { trace_id: traceId, allow_partial: 'True' }),
  createAssessment: (traceId: string, assessment: Record<string, unknown>) =>
    http.post<{ assessment: unknown }>(`${m3}/traces/${encodeURIComponent(traceId)}/assessments`, { assessment }),
  searchPrompts: (filter?: string) =>
    http.get<{ registered_models?: RegisteredModel[] }>(`${m2}/registered-models/search`, {
      filter: ["tags.`mlflow.prompt.is_prompt` = 'true'", filter].filter(Boolean).join(' AND '),
      max_results: 1000,
    }),
  getRegisteredModel: (name: string) => http.get<{ registered_model: RegisteredModel }>(`${m2}/registered-models/get`, { name }),
  searchModelVersions: (name: string) =>
    http.get<{ model_versions?: ModelVersion[] }>(`${m2}/model-versions/search`, {
      // Prompt versions are hidden from plain version searches unless the filter asks for them (as MLflow does).
      filter: `name = '${name.replace(/'/g, "\\'")}' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`,
      order_by: ['version_number DESC'],
      max_results: 1000,
    }),
  setAlias: (name: string, alias: string, version: string) => http.post<object>(`${m2}/registered-models/alias`, { name, alias, version }),
};

export interface MonitoringBucket {
  start_ms: number;
  traces: number;
  errors: number;
  error_rate: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  tokens: number;
  cost: number;
  assessments: Record<string, { mean: number; count: number }>;
}

export interface ExperimentSummary {
  experiment_id: string;
  run_count: number;
  trace_count: number;
  last_activity: number | null;
}

export const glassbox = {
  experimentSummaries: (ids: string[]) => http.post<{ summaries: ExperimentSummary[] }>('/ajax-api/2.0/glassbox/experiments/summary', { experiment_ids: ids }),
  monitoring: (experimentId: string, startMs: number, endMs: number, buckets: number) =>
    http.get<{ buckets: MonitoringBucket[] }>('/ajax-api/2.0/glassbox/monitoring', { experiment_id: experimentId, start_ms: startMs, end_ms: endMs, buckets }),
};

export interface ScorerSummary {
  scorer: string;
  kind: 'CODE' | 'LLM_JUDGE';
  count: number;
  errors: number;
  mean?: number;
  passRate?: number;
  p50?: number;
  p95?: number;
  judgeCalls: number;
  judgeCostUsd: number;
  judgeLatencyMsMean?: number;
}
export interface EvaluationJob {
  job_id: string;
  experiment_id: string;
  status: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  request: Record<string, unknown>;
  progress: { total: number; done: number; failures: number; skipped: number; cost_usd: number };
  summary?: ScorerSummary[];
  run_id?: string;
  error?: string;
  created_at: number;
  finished_at?: number;
}
export interface EvaluationResult {
  trace_id: string;
  scorer: string;
  score?: number;
  label?: string;
  passed?: boolean;
  error?: string;
  judge_cost_usd: number;
  judge_latency_ms: number;
}

export const SCORERS = {
  judge: ['groundedness', 'context_relevance', 'answer_relevance', 'correctness', 'guidelines'],
  code: ['exact_match', 'token_f1', 'rouge_l', 'json_valid', 'latency', 'token_count', 'cost', 'pii', 'precision_at_k', 'recall_at_k', 'mrr', 'ndcg_at_k'],
};

const gb = '/ajax-api/2.0/glassbox';
export const evaluations = {
  list: (experimentId: string) => http.get<{ jobs: EvaluationJob[] }>(`${gb}/evaluations`, { experiment_id: experimentId }),
  get: (jobId: string) => http.get<{ job: EvaluationJob; results?: EvaluationResult[] }>(`${gb}/evaluations/${encodeURIComponent(jobId)}`, { include_results: 'true' }),
  start: (body: { experiment_id: string; scorers: string[]; filter?: string; judge_model?: string; sample?: number; run_name?: string; force?: boolean }) =>
    http.post<{ job: EvaluationJob }>(`${gb}/evaluations`, body),
  cancel: (jobId: string) => http.post<{ job: EvaluationJob }>(`${gb}/evaluations/${encodeURIComponent(jobId)}/cancel`, {}),
};

/** Badge class of a job status (the trace-state colours). */
export const jobBadge = (status: EvaluationJob['status']) => (status === 'SUCCEEDED' ? 'OK' : status === 'FAILED' ? 'ERROR' : status === 'CANCELLED' ? 'CANCELLED' : 'RUNNING');
