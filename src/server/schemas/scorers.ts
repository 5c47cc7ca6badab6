import { z } from 'zod';
import { Int64 } from './common.js';

/** Experiment ids are decimal strings on the wire; a JSON number is the same id. */
const ExperimentId = z.union([z.string().regex(/^\d+$/, 'must be a decimal experiment id'), z.number().int().nonnegative()]).transform(String);
const ScorerName = z.string().refine((n) => n.trim() !== '', 'Scorer name cannot be empty or contain only whitespace.');
const Version = Int64.pipe(z.number().int().min(1, 'scorer versions start at 1'));

export const RegisterScorerRequest = z.object({ experiment_id: ExperimentId, name: ScorerName, serialized_scorer: z.string() });
export type RegisterScorerRequest = z.infer<typeof RegisterScorerRequest>;

export const ListScorersRequest = z.object({ experiment_id: ExperimentId });
export const ListScorerVersionsRequest = z.object({ experiment_id: ExperimentId, name: ScorerName });
/** GetScorer and DeleteScorer: without a version, Get answers the latest and Delete removes every version. */
export const ScorerVersionRequest = z.object({ experiment_id: ExperimentId, name: ScorerName, version: Version.optional() });
export type ScorerVersionRequest = z.infer<typeof ScorerVersionRequest>;

export const UpsertOnlineScoringConfigRequest = z.object({
  experiment_id: ExperimentId,
  name: ScorerName,
  sample_rate: z.number().min(0).max(1),
  filter_string: z.string().nullish(),
});

// ---- responses ----

/** service.proto Scorer: experiment_id is an int32 here, unlike everywhere else. */
export const Scorer = z.object({
  experiment_id: z.number().int(),
  scorer_name: z.string(),
  scorer_version: z.number().int(),
  serialized_scorer: z.string(),
  creation_time: z.number().int(),
  scorer_id: z.string(),
});
export type Scorer = z.infer<typeof Scorer>;

export const RegisterScorerResponse = z.object({
  version: z.number().int(),
  scorer_id: z.string(),
  experiment_id: z.string(),
  name: z.string(),
  serialized_scorer: z.string(),
  creation_time: z.number().int(),
});
export type RegisterScorerResponse = z.infer<typeof RegisterScorerResponse>;

export const ListScorersResponse = z.object({ scorers: z.array(Scorer) });
export type ListScorersResponse = z.infer<typeof ListScorersResponse>;

export const GetScorerResponse = z.object({ scorer: Scorer });
export type GetScorerResponse = z.infer<typeof GetScorerResponse>;

export const OnlineScoringConfig = z.object({
  online_scoring_config_id: z.string(),
  scorer_id: z.string(),
  sample_rate: z.number(),
  experiment_id: z.string(),
  filter_string: z.string().optional(),
});
export const OnlineScoringConfigsResponse = z.object({ configs: z.array(OnlineScoringConfig) });
export type OnlineScoringConfigsResponse = z.infer<typeof OnlineScoringConfigsResponse>;
export const OnlineScoringConfigResponse = z.object({ config: OnlineScoringConfig });
export type OnlineScoringConfigResponse = z.infer<typeof OnlineScoringConfigResponse>;
