import { z } from 'zod';
import { ViewType } from './common.js';
import { EntityKey, Long } from './runs.js';

/** MLflow accepts the id as a string; some clients send a number. Integer-ness is checked by the store. */
const ExperimentId = z.union([z.string(), z.number().int()]).transform(String);

const ExperimentName = z
  .string()
  .refine((n) => n !== '', 'Invalid experiment name: the name must not be empty')
  .refine((n) => n.length <= 500, "'name' exceeds the maximum length of 500 characters");

const ExperimentTagInput = z.object({
  key: EntityKey,
  value: z.string().max(5000, "'value' exceeds the maximum length of 5000 characters").optional().default(''),
});

export const GetExperimentByNameRequest = z.object({ experiment_name: z.string() });
export const GetExperimentRequest = z.object({ experiment_id: ExperimentId });

export const CreateExperimentRequest = z.object({
  name: ExperimentName,
  artifact_location: z.string().optional(),
  tags: z.array(ExperimentTagInput).optional().default([]),
});
export type CreateExperimentRequest = z.infer<typeof CreateExperimentRequest>;

export const SearchExperimentsRequest = z.object({
  max_results: Long.optional().default(1000),
  page_token: z.string().optional(),
  filter: z.string().optional(),
  order_by: z.array(z.string()).optional().default([]),
  view_type: ViewType.optional().default('ACTIVE_ONLY'),
});
export type SearchExperimentsRequest = z.infer<typeof SearchExperimentsRequest>;

export const DeleteExperimentRequest = z.object({ experiment_id: ExperimentId });
export const RestoreExperimentRequest = DeleteExperimentRequest;
export const UpdateExperimentRequest = z.object({ experiment_id: ExperimentId, new_name: ExperimentName });
export const SetExperimentTagRequest = ExperimentTagInput.extend({ experiment_id: ExperimentId });
export const DeleteExperimentTagRequest = z.object({ experiment_id: ExperimentId, key: z.string() });
export const SearchDatasetsRequest = z.object({ experiment_ids: z.array(ExperimentId).min(1).max(20) });

// ---- responses ----

export const Experiment = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']),
  last_update_time: z.number().int(),
  creation_time: z.number().int(),
  tags: z.array(z.object({ key: z.string(), value: z.string() })),
});
export type Experiment = z.infer<typeof Experiment>;

export const GetExperimentResponse = z.object({ experiment: Experiment });
export type GetExperimentResponse = z.infer<typeof GetExperimentResponse>;
export const CreateExperimentResponse = z.object({ experiment_id: z.string() });
export type CreateExperimentResponse = z.infer<typeof CreateExperimentResponse>;
export const SearchExperimentsResponse = z.object({ experiments: z.array(Experiment), next_page_token: z.string().optional() });
export type SearchExperimentsResponse = z.infer<typeof SearchExperimentsResponse>;
export const DatasetSummary = z.object({ experiment_id: z.string(), name: z.string(), digest: z.string(), context: z.string().optional() });
export const SearchDatasetsResponse = z.object({ dataset_summaries: z.array(DatasetSummary) });
export type SearchDatasetsResponse = z.infer<typeof SearchDatasetsResponse>;
