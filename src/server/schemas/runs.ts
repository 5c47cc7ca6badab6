import { posix } from 'node:path';
import { z } from 'zod';
import { Double, Int64, ViewType } from './common.js';

/** MLflow's entity limits (mlflow/utils/validation.py). */
export const LIMITS = {
  key: 250,
  paramValue: 6000,
  tagValue: 8000,
  batchMetrics: 1000,
  batchParamsTags: 100,
  batchTotal: 1000,
} as const;

const NAME_CHARS = /^[/\w.\- :]*$/;

/** Python's posixpath.normpath, which (unlike node's) drops a trailing slash. */
function normpath(name: string): string {
  const n = posix.normalize(name);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** Why MLflow would refuse `name` as a metric, param or tag key; undefined when it is fine. */
function keyProblem(name: string): string | undefined {
  if (!NAME_CHARS.test(name)) {
    return `Invalid name '${name}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`;
  }
  const norm = normpath(name);
  if (norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    return `Invalid name '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`;
  }
  if (name.length > LIMITS.key) return `'${name.slice(0, 50)}…' exceeds the maximum length of ${LIMITS.key} characters`;
  return undefined;
}

/** Verdicts per key: a 1000-metric batch repeats a handful of keys, and the check is on the hot path. */
const checkedKeys = new Map<string, string | undefined>();

function cachedKeyProblem(name: string): string | undefined {
  let problem = checkedKeys.get(name);
  if (problem === undefined && !checkedKeys.has(name)) {
    if (checkedKeys.size >= 10_000) checkedKeys.clear();
    checkedKeys.set(name, (problem = keyProblem(name)));
  }
  return problem;
}

/**
 * Metric, param and tag names become file names in some MLflow stores, so MLflow rejects characters
 * outside `[/\w.\- :]` and names that normalise to another path (`a//b`, `../x`, `/x`, ``).
 */
export const EntityKey = z.string().superRefine((name, ctx) => {
  const problem = cachedKeyProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Over-long values are cut, as MLflow does by default (MLFLOW_TRUNCATE_LONG_VALUES=true). */
const truncated = (limit: number) =>
  z
    .union([z.string(), z.number(), z.boolean()])
    .optional()
    .transform((v) => (v === undefined ? '' : String(v)).slice(0, limit));

/** Run ids arrive as run_id, run_uuid (older clients) or both; the route reads `run_id ?? run_uuid`. */
const RunRef = { run_id: z.string().optional(), run_uuid: z.string().optional() };

export const RunTag = z.object({ key: EntityKey, value: truncated(LIMITS.tagValue) });
export type RunTag = z.infer<typeof RunTag>;
export const Param = z.object({ key: EntityKey, value: truncated(LIMITS.paramValue) });
export type Param = z.infer<typeof Param>;

/** An int64 that fits a BIGINT column: a fraction or an overflow is the client's mistake, never a 500. */
const MAX_INT64 = 9.2e18;
export const Long = Int64.refine((v) => Number.isInteger(v) && Math.abs(v) <= MAX_INT64, 'must be a 64-bit integer');
const NonNegativeInt64 = Long.refine((v) => v >= 0, 'Timestamp must be a nonnegative long (64-bit integer)');

export const MetricInput = z.object({
  key: EntityKey,
  value: Double,
  timestamp: NonNegativeInt64,
  step: Long.optional().default(0),
  model_id: z.string().optional(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
});
export type MetricInput = z.infer<typeof MetricInput>;

const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Enum names, or the proto numbers 1..5. */
export const RunStatus = z
  .union([z.enum(RUN_STATUSES), z.number().int().min(1).max(5), z.string().regex(/^[1-5]$/)])
  .transform((v): RunStatus => (typeof v === 'string' && !/^\d$/.test(v) ? (v as RunStatus) : RUN_STATUSES[Number(v) - 1]));

const ExperimentIdField = z.union([z.string(), z.number().int()]).transform(String);

export const CreateRunRequest = z.object({
  experiment_id: ExperimentIdField.optional(),
  user_id: z.string().optional(),
  run_name: z.string().optional(),
  start_time: Long.optional(),
  tags: z.array(RunTag).optional().default([]),
});
export type CreateRunRequest = z.infer<typeof CreateRunRequest>;

export const UpdateRunRequest = z.object({
  ...RunRef,
  status: RunStatus.optional(),
  end_time: Long.optional(),
  run_name: z.string().optional(),
});
export type UpdateRunRequest = z.infer<typeof UpdateRunRequest>;

export const RunIdRequest = z.object({ ...RunRef });
export type RunIdRequest = z.infer<typeof RunIdRequest>;
export const DeleteRunRequest = RunIdRequest;
export const RestoreRunRequest = RunIdRequest;
export const GetRunRequest = RunIdRequest;

export const LogMetricRequest = MetricInput.extend(RunRef);
export type LogMetricRequest = z.infer<typeof LogMetricRequest>;
export const LogParamRequest = Param.extend(RunRef);
export const SetTagRequest = RunTag.extend(RunRef);
export const DeleteTagRequest = z.object({ ...RunRef, key: z.string() });

export const LogBatchRequest = z.object({
  ...RunRef,
  metrics: z.array(MetricInput).optional().default([]),
  params: z.array(Param).optional().default([]),
  tags: z.array(RunTag).optional().default([]),
});
export type LogBatchRequest = z.infer<typeof LogBatchRequest>;

const isLong = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_INT64;
const isOptionalString = (v: unknown) => v === undefined || typeof v === 'string';
const NON_FINITE = new Map<unknown, number>([['NaN', Number.NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]]);

/**
 * LogBatchRequest's hot path: a 1000-metric batch checked in one loop instead of 1000 zod object
 * parses (about 1 ms a batch, plus the garbage). It accepts a subset of what LogBatchRequest
 * accepts, the common shapes, and returns what LogBatchRequest would; for anything else it returns
 * undefined and the caller parses with LogBatchRequest, so every error message comes from zod.
 */
export function parseLogBatchFast(body: Record<string, unknown>): LogBatchRequest | undefined {
  // undefined, not null: zod's optional() refuses null.
  const input = body.metrics === undefined ? [] : body.metrics;
  if (!Array.isArray(input)) return undefined;
  const metrics: MetricInput[] = new Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const m = input[i] as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null) return undefined;
    const { key, timestamp, model_id, dataset_name, dataset_digest } = m;
    let value = m.value;
    const step = m.step === undefined ? 0 : m.step;
    if (typeof key !== 'string' || cachedKeyProblem(key) !== undefined) return undefined;
    if (typeof value === 'string' && NON_FINITE.has(value)) value = NON_FINITE.get(value);
    else if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    if (!isLong(timestamp) || timestamp < 0 || !isLong(step)) return undefined;
    if (!isOptionalString(model_id) || !isOptionalString(dataset_name) || !isOptionalString(dataset_digest)) return undefined;
    const metric: MetricInput = { key, value: value as number, timestamp, step };
    if (model_id !== undefined) metric.model_id = model_id as string;
    if (dataset_name !== undefined) metric.dataset_name = dataset_name as string;
    if (dataset_digest !== undefined) metric.dataset_digest = dataset_digest as string;
    metrics[i] = metric;
  }
  const rest = LogBatchRequest.safeParse({ ...body, metrics: undefined });
  return rest.success ? { ...rest.data, metrics } : undefined;
}

const KV = z.object({ key: z.string(), value: z.string().optional().default('') });
export const DatasetInput = z.object({
  tags: z.array(KV).optional().default([]),
  dataset: z.object({
    name: z.string().max(500),
    digest: z.string().max(36),
    source_type: z.string(),
    source: z.string().max(65535),
    schema: z.string().optional(),
    profile: z.string().optional(),
  }),
});
export type DatasetInput = z.infer<typeof DatasetInput>;

export const LogInputsRequest = z.object({
  ...RunRef,
  datasets: z.array(DatasetInput).optional().default([]),
  models: z.array(z.object({ model_id: z.string().min(1) })).optional().default([]),
});
export type LogInputsRequest = z.infer<typeof LogInputsRequest>;

export const LogOutputsRequest = z.object({
  ...RunRef,
  models: z.array(z.object({ model_id: z.string().min(1), step: Long.optional().default(0) })),
});

export const LogModelRequest = z.object({ ...RunRef, model_json: z.string() });

export const SearchRunsRequest = z.object({
  experiment_ids: z.array(ExperimentIdField).optional().default([]),
  filter: z.string().optional(),
  run_view_type: ViewType.optional().default('ACTIVE_ONLY'),
  max_results: Long.optional().default(1000),
  order_by: z.array(z.string()).optional().default([]),
  page_token: z.string().optional(),
});
export type SearchRunsRequest = z.infer<typeof SearchRunsRequest>;

// ---- responses (what the Python client parses; verified by the tests) ----

export const Metric = z.object({
  key: z.string(),
  value: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]),
  timestamp: z.number().int(),
  step: z.number().int(),
  model_id: z.string().optional(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
  run_id: z.string().optional(),
});
export type Metric = z.infer<typeof Metric>;

export const RunInfo = z.object({
  run_id: z.string().regex(/^[0-9a-f]{32}$/),
  run_uuid: z.string(),
  run_name: z.string(),
  experiment_id: z.string(),
  user_id: z.string(),
  status: z.enum(RUN_STATUSES),
  start_time: z.number().int(),
  end_time: z.number().int().optional(),
  artifact_uri: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']),
});
export type RunInfo = z.infer<typeof RunInfo>;

const WireKV = z.object({ key: z.string(), value: z.string() });
export const Run = z.object({
  info: RunInfo,
  data: z.object({ metrics: z.array(Metric), params: z.array(WireKV), tags: z.array(WireKV) }),
  inputs: z.object({
    dataset_inputs: z.array(z.object({ tags: z.array(WireKV), dataset: DatasetInput.shape.dataset })),
    model_inputs: z.array(z.object({ model_id: z.string() })),
  }),
  outputs: z.object({ model_outputs: z.array(z.object({ model_id: z.string(), step: z.number().int() })) }),
});
export type Run = z.infer<typeof Run>;

export const CreateRunResponse = z.object({ run: Run });
export type CreateRunResponse = z.infer<typeof CreateRunResponse>;
export const GetRunResponse = CreateRunResponse;
export type GetRunResponse = CreateRunResponse;
export const UpdateRunResponse = z.object({ run_info: RunInfo });
export type UpdateRunResponse = z.infer<typeof UpdateRunResponse>;
export const SearchRunsResponse = z.object({ runs: z.array(Run), next_page_token: z.string().optional() });
export type SearchRunsResponse = z.infer<typeof SearchRunsResponse>;
export const EmptyResponse = z.object({}).strict();
export type EmptyResponse = z.infer<typeof EmptyResponse>;

// ---- metric history ----

export const GetMetricHistoryRequest = z.object({
  ...RunRef,
  metric_key: z.string(),
  max_results: Long.refine((n) => n >= 1, 'max_results must be a positive integer').optional(),
  page_token: z.string().optional(),
});
export const GetMetricHistoryResponse = z.object({ metrics: z.array(Metric), next_page_token: z.string().optional() });
export type GetMetricHistoryResponse = z.infer<typeof GetMetricHistoryResponse>;

export const GetMetricHistoryBulkIntervalRequest = z.object({
  run_ids: z.array(z.string()).min(1, 'GetMetricHistoryBulkInterval request must specify at least one run_id.').max(100, 'GetMetricHistoryBulkInterval request must specify at most 100 run_ids.'),
  metric_key: z.string(),
  start_step: Long.optional(),
  end_step: Long.optional(),
  max_results: Long.optional().default(2500).refine((n) => n >= 1 && n <= 2500, 'max_results must be between 1 and 2500.'),
});
export const GetMetricHistoryBulkIntervalResponse = z.object({ metrics: z.array(Metric.required({ run_id: true })) });
export type GetMetricHistoryBulkIntervalResponse = z.infer<typeof GetMetricHistoryBulkIntervalResponse>;
