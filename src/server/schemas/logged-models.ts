import { z } from 'zod';
import { Bool, Int64, KeyValue } from './common.js';
import { FileInfo } from './artifacts.js';

const STATUSES = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] as const;

/** service.proto LoggedModelStatus, by name or by number as ParseDict accepts both. */
export const LoggedModelStatus = z
  .union([z.enum(STATUSES), z.number().int().min(0).max(3)])
  .transform((v) => (typeof v === 'number' ? STATUSES[v] : v));
export type LoggedModelStatus = z.infer<typeof LoggedModelStatus>;

/** Experiment ids are decimal strings on the wire; a JSON number is the same id. */
const IdString = z.union([z.string().regex(/^\d+$/, 'must be a decimal experiment id'), z.number().int().nonnegative()]).transform(String);

export const CreateLoggedModelRequest = z.object({
  experiment_id: IdString,
  name: z.string().optional(),
  model_type: z.string().optional(),
  source_run_id: z.string().optional(),
  params: z.array(KeyValue).optional().default([]),
  tags: z.array(KeyValue).optional().default([]),
});
export type CreateLoggedModelRequest = z.infer<typeof CreateLoggedModelRequest>;

export const GetLoggedModelRequest = z.object({ allow_deleted: Bool.optional() });

export const FinalizeLoggedModelRequest = z.object({ model_id: z.string().optional(), status: LoggedModelStatus });

export const SetLoggedModelTagsRequest = z.object({ model_id: z.string().optional(), tags: z.array(KeyValue).optional().default([]) });

export const LogLoggedModelParamsRequest = z.object({ model_id: z.string().optional(), params: z.array(KeyValue).optional().default([]) });

export const LoggedModelOrderBy = z.object({
  field_name: z.string().min(1),
  ascending: z.boolean().optional().default(true),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
});
export type LoggedModelOrderBy = z.infer<typeof LoggedModelOrderBy>;

export const SearchLoggedModelsRequest = z.object({
  experiment_ids: z.array(IdString).min(1, 'at least one experiment id is required'),
  filter: z.string().optional(),
  datasets: z.array(z.object({ dataset_name: z.string(), dataset_digest: z.string().optional() })).optional(),
  max_results: Int64.pipe(z.number().int().min(1).max(1000)).optional(),
  order_by: z.array(LoggedModelOrderBy).optional().default([]),
  page_token: z.string().optional(),
});
export type SearchLoggedModelsRequest = z.infer<typeof SearchLoggedModelsRequest>;

export const ListLoggedModelArtifactsRequest = z.object({ artifact_directory_path: z.string().optional(), page_token: z.string().optional() });

const WireMetric = z.object({
  key: z.string(),
  value: z.union([z.number(), z.string()]),
  timestamp: z.number().int(),
  step: z.number().int(),
  run_id: z.string().optional(),
  model_id: z.string().optional(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
});

/** service.proto LoggedModel: `info` (attributes and tags) plus `data` (params and linked metrics). */
export const LoggedModel = z.object({
  info: z.object({
    model_id: z.string(),
    experiment_id: z.string(),
    name: z.string(),
    artifact_uri: z.string(),
    status: z.enum(STATUSES),
    creation_timestamp_ms: z.number().int(),
    last_updated_timestamp_ms: z.number().int(),
    model_type: z.string().optional(),
    source_run_id: z.string().optional(),
    status_message: z.string().optional(),
    tags: z.array(KeyValue),
  }),
  data: z.object({ params: z.array(KeyValue), metrics: z.array(WireMetric) }),
});
export type LoggedModel = z.infer<typeof LoggedModel>;

export const LoggedModelResponse = z.object({ model: LoggedModel });
export type LoggedModelResponse = z.infer<typeof LoggedModelResponse>;

/** Empty results are `{}` on the wire (proto2 leaves empty repeated fields out); the fixture shows it. */
export const SearchLoggedModelsResponse = z.object({ models: z.array(LoggedModel).optional(), next_page_token: z.string().optional() });
export type SearchLoggedModelsResponse = z.infer<typeof SearchLoggedModelsResponse>;

export const ListLoggedModelArtifactsResponse = z.object({ root_uri: z.string(), files: z.array(FileInfo).optional() });
export type ListLoggedModelArtifactsResponse = z.infer<typeof ListLoggedModelArtifactsResponse>;
