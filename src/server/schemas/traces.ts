import { z } from 'zod';
import { Assessment, AssessmentInput, dropNulls, Timestamp } from './assessments.js';
import { Bool, Int64 } from './common.js';

/** google.protobuf.Duration in JSON ("0.532s"); converted to whole milliseconds. */
export const Duration = z.union([
  z.number().transform((v) => Math.round(v)),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?s$/i, 'must be a duration such as "0.532s"')
    .transform((v) => Math.round(Number(v.slice(0, -1)) * 1000)),
]);

const STATES = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
export const TraceState = z
  .union([z.enum(STATES), z.number().int().min(0).max(3)])
  .transform((v) => (typeof v === 'number' ? STATES[v] : v));

export const TraceLocation = z.object({
  type: z.string().optional(),
  mlflow_experiment: z.object({ experiment_id: z.union([z.string(), z.number()]).transform(String) }).optional(),
});

/** TraceInfoV3 as clients send it in StartTraceV3 (the Python client and the TS SDK). */
export const TraceInfoV3Input = z.preprocess(dropNulls, z.object({
  trace_id: z.string().regex(/^[\w.:-]{1,128}$/, 'must be an id such as tr-<32 hex>'),
  client_request_id: z.string().optional(),
  trace_location: TraceLocation,
  request_preview: z.string().optional(),
  response_preview: z.string().optional(),
  request_time: Timestamp.optional(),
  execution_duration: Duration.optional(),
  state: TraceState.optional(),
  trace_metadata: z.record(z.string(), z.string()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  assessments: z.array(AssessmentInput).optional(),
}));
export type TraceInfoV3Input = z.infer<typeof TraceInfoV3Input>;

export const StartTraceV3Request = z.object({ trace: z.object({ trace_info: TraceInfoV3Input }) });
export type StartTraceV3Request = z.infer<typeof StartTraceV3Request>;

/** TraceInfoV3 as the server returns it (mlflow-protocol.md §4.2). */
export const TraceInfoV3 = z.object({
  trace_id: z.string(),
  client_request_id: z.string().optional(),
  trace_location: z.object({ type: z.literal('MLFLOW_EXPERIMENT'), mlflow_experiment: z.object({ experiment_id: z.string() }) }),
  request_preview: z.string().optional(),
  response_preview: z.string().optional(),
  request_time: z.string(),
  execution_duration: z.string().regex(/^\d+(\.\d+)?s$/).optional(),
  state: z.enum(STATES),
  trace_metadata: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  assessments: z.array(Assessment),
});
export type TraceInfoV3 = z.infer<typeof TraceInfoV3>;

export const TraceInfoResponse = z.object({ trace: z.object({ trace_info: TraceInfoV3 }) });
export type TraceInfoResponse = z.infer<typeof TraceInfoResponse>;

/** A trace with its spans; spans are the OTLP protobuf-JSON form built by store/spans.ts. */
export const TraceWithSpans = z.object({ trace_info: TraceInfoV3, spans: z.array(z.record(z.string(), z.unknown())) });
export const GetTraceResponse = z.object({ trace: TraceWithSpans });
export type GetTraceResponse = z.infer<typeof GetTraceResponse>;
export const BatchGetTracesResponse = z.object({ traces: z.array(TraceWithSpans) });
export type BatchGetTracesResponse = z.infer<typeof BatchGetTracesResponse>;

export const GetTraceQuery = z.object({ trace_id: z.string().min(1), allow_partial: Bool.optional() });
export const BatchGetTracesQuery = z.object({ trace_ids: z.array(z.string()).min(1).max(100) });
export const BatchGetTraceInfosRequest = z.object({ trace_ids: z.array(z.string()).min(1).max(100) });
export const BatchGetTraceInfosResponse = z.object({ trace_infos: z.array(TraceInfoV3) });
export type BatchGetTraceInfosResponse = z.infer<typeof BatchGetTraceInfosResponse>;

export const SearchTracesV3Request = z.object({
  locations: z.array(TraceLocation).optional(),
  /** Accepted for older clients that send experiment ids instead of locations. */
  experiment_ids: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
  filter: z.string().optional(),
  max_results: Int64.pipe(z.number().int().min(1).max(500, 'must be at most 500')).optional(),
  order_by: z.array(z.string()).optional(),
  page_token: z.string().optional(),
});
export type SearchTracesV3Request = z.infer<typeof SearchTracesV3Request>;
export const SearchTracesV3Response = z.object({ traces: z.array(TraceInfoV3), next_page_token: z.string().optional() });
export type SearchTracesV3Response = z.infer<typeof SearchTracesV3Response>;

export const DeleteTracesRequest = z.object({
  experiment_id: z.union([z.string(), z.number()]).transform(String),
  max_timestamp_millis: Int64.optional(),
  max_traces: Int64.pipe(z.number().int().min(1)).optional(),
  request_ids: z.array(z.string()).max(100).optional(),
});
export type DeleteTracesRequest = z.infer<typeof DeleteTracesRequest>;
export const DeleteTracesResponse = z.object({ traces_deleted: z.number().int() });
export type DeleteTracesResponse = z.infer<typeof DeleteTracesResponse>;

export const SetTraceTagRequest = z.object({ key: z.string().min(1).max(250), value: z.string().default('') });
export const DeleteTraceTagRequest = z.object({ key: z.string().min(1) });

export const LinkTracesToRunRequest = z.object({
  trace_ids: z.array(z.string()).min(1).max(100, 'at most 100 trace ids can be linked per call'),
  run_id: z.string().min(1),
});
export const LinkPromptsToTraceRequest = z.object({
  trace_id: z.string().min(1),
  prompt_versions: z.array(z.object({ name: z.string().min(1), version: z.union([z.string(), z.number()]).transform(String) })).min(1),
});
