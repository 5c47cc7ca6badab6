import { z } from 'zod';
import { Bool, Int64, KeyValue } from './common.js';

// Wire contract of MLflow's model_registry.proto, as the Python client sends and reads it
// (mlflow-protocol.md §5.2). Versions travel as decimal strings; a JSON number is accepted too.

const Name = z.string({ error: 'must be a string' });
/** A model version number: "3" or 3; anything else is MLflow's "must be an integer" error. */
export const VersionParam = z
  .union([z.number().int(), z.string()])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d+$/.test(v), { message: 'must be an integer' });
const Tags = z.array(KeyValue).optional().default([]);
const OrderBy = z.array(z.string()).optional().default([]);

export const RegisteredModelTag = KeyValue;
export const RegisteredModelAlias = z.object({ alias: z.string(), version: z.string() });
export type RegisteredModelAlias = z.infer<typeof RegisteredModelAlias>;

export const ModelVersion = z.object({
  name: z.string(),
  version: z.string(),
  creation_timestamp: z.number().int(),
  last_updated_timestamp: z.number().int(),
  user_id: z.string(),
  current_stage: z.string(),
  description: z.string(),
  source: z.string(),
  run_id: z.string(),
  run_link: z.string(),
  status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']),
  status_message: z.string().optional(),
  model_id: z.string().optional(),
  tags: z.array(KeyValue),
  aliases: z.array(z.string()),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

export const RegisteredModel = z.object({
  name: z.string(),
  creation_timestamp: z.number().int(),
  last_updated_timestamp: z.number().int(),
  user_id: z.string(),
  description: z.string(),
  tags: z.array(KeyValue),
  aliases: z.array(RegisteredModelAlias),
  latest_versions: z.array(ModelVersion),
});
export type RegisteredModel = z.infer<typeof RegisteredModel>;

export const CreateRegisteredModelRequest = z.object({ name: Name, tags: Tags, description: z.string().optional() });
export type CreateRegisteredModelRequest = z.infer<typeof CreateRegisteredModelRequest>;
export const RegisteredModelResponse = z.object({ registered_model: RegisteredModel });
export type RegisteredModelResponse = z.infer<typeof RegisteredModelResponse>;

export const GetRegisteredModelRequest = z.object({ name: Name });
export const UpdateRegisteredModelRequest = z.object({ name: Name, description: z.string().optional() });
export const RenameRegisteredModelRequest = z.object({ name: Name, new_name: Name });
export const DeleteRegisteredModelRequest = z.object({ name: Name });
export const SetRegisteredModelTagRequest = z.object({ name: Name, key: z.string(), value: z.string() });
export const DeleteRegisteredModelTagRequest = z.object({ name: Name, key: z.string() });

export const SearchRequest = z.object({
  filter: z.string().optional(),
  max_results: Int64.optional(),
  order_by: OrderBy,
  page_token: z.string().optional(),
});
export type SearchRequest = z.infer<typeof SearchRequest>;
export const SearchRegisteredModelsResponse = z.object({
  registered_models: z.array(RegisteredModel),
  next_page_token: z.string().optional(),
});
export type SearchRegisteredModelsResponse = z.infer<typeof SearchRegisteredModelsResponse>;

export const GetLatestVersionsRequest = z.object({ name: Name, stages: z.array(z.string()).optional().default([]) });
export const ModelVersionsResponse = z.object({ model_versions: z.array(ModelVersion) });
export type ModelVersionsResponse = z.infer<typeof ModelVersionsResponse>;

export const CreateModelVersionRequest = z.object({
  name: Name,
  source: z.string().optional().default(''),
  run_id: z.string().optional(),
  tags: Tags,
  run_link: z.string().optional(),
  description: z.string().optional(),
  model_id: z.string().optional(),
});
export type CreateModelVersionRequest = z.infer<typeof CreateModelVersionRequest>;
export const ModelVersionResponse = z.object({ model_version: ModelVersion });
export type ModelVersionResponse = z.infer<typeof ModelVersionResponse>;

export const ModelVersionRef = z.object({ name: Name, version: VersionParam });
export const UpdateModelVersionRequest = ModelVersionRef.extend({ description: z.string().optional() });
export const TransitionModelVersionStageRequest = ModelVersionRef.extend({
  stage: z.string(),
  archive_existing_versions: Bool.optional().default(false),
});
export const SetModelVersionTagRequest = ModelVersionRef.extend({ key: z.string(), value: z.string() });
export const DeleteModelVersionTagRequest = ModelVersionRef.extend({ key: z.string() });
export const SearchModelVersionsResponse = z.object({
  model_versions: z.array(ModelVersion),
  next_page_token: z.string().optional(),
});
export type SearchModelVersionsResponse = z.infer<typeof SearchModelVersionsResponse>;
export const DownloadUriResponse = z.object({ artifact_uri: z.string() });
export type DownloadUriResponse = z.infer<typeof DownloadUriResponse>;

export const SetRegisteredModelAliasRequest = z.object({ name: Name, alias: z.string(), version: VersionParam });
export const AliasRef = z.object({ name: Name, alias: z.string() });

export const EmptyResponse = z.object({}).strict();
