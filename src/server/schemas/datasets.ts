import { z } from 'zod';
import { Int64 } from './common.js';

/** Experiment ids are decimal strings on the wire; a JSON number is the same id. */
const ExperimentId = z.union([z.string().regex(/^\d+$/, 'must be a decimal experiment id'), z.number().int().nonnegative()]).transform(String);
const ExperimentIds = z.array(ExperimentId).optional().default([]);

/**
 * Python's json.dumps writes NaN, Infinity and -Infinity (a DataFrame's empty cell is NaN) and
 * MLflow's server reads them back; JSON has no such values, so outside strings they become null.
 */
export function parsePythonJson(text: string): unknown {
  if (!text.includes('NaN') && !text.includes('Infinity')) return JSON.parse(text);
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else {
      const word = /^(NaN|-?Infinity)/.exec(text.slice(i, i + 9));
      if (word) {
        out += 'null';
        i += word[0].length - 1;
      } else out += ch;
    }
  }
  return JSON.parse(out);
}

/**
 * MLflow sends maps and lists inside datasets as JSON text in a string field (proto `tags`,
 * `records`); this parses that text and names the field when it is not the JSON it should be.
 */
function jsonText<T extends z.ZodType>(field: string, inner: T) {
  return z.string().transform((text, ctx): z.infer<T> => {
    let value: unknown;
    try {
      value = parsePythonJson(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${field}' must be a JSON string` });
      return z.NEVER;
    }
    const parsed = inner.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      ctx.addIssue({ code: 'custom', message: `'${field}' ${issue.path.length ? `at ${issue.path.join('.')} ` : ''}${issue.message}` });
      return z.NEVER;
    }
    return parsed.data;
  });
}

/** Tag values may be any JSON scalar; MLflow stores str(value) and skips nulls. */
const TagMap = z.record(z.string(), z.unknown());

/** datasets.proto DatasetRecordSource.SourceType, by name or number. */
export const RECORD_SOURCE_TYPES = ['SOURCE_TYPE_UNSPECIFIED', 'TRACE', 'HUMAN', 'DOCUMENT', 'CODE'] as const;
const RecordSourceType = z
  .union([z.string(), z.number().int().min(0).max(4)])
  .transform((v) => (typeof v === 'number' ? RECORD_SOURCE_TYPES[v] : v.toUpperCase() === 'UNSPECIFIED' ? 'SOURCE_TYPE_UNSPECIFIED' : v.toUpperCase()))
  .pipe(z.enum(RECORD_SOURCE_TYPES));

/** One record of UpsertDatasetRecords as `merge_records` builds it; `inputs` is the upsert key. */
export const DatasetRecordInput = z.object({
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.unknown().optional(),
  expectations: z.record(z.string(), z.unknown()).nullish(),
  tags: z.record(z.string(), z.unknown()).nullish(),
  source: z
    .object({ source_type: RecordSourceType, source_data: z.record(z.string(), z.unknown()).nullish() })
    .nullish(),
});
export type DatasetRecordInput = z.infer<typeof DatasetRecordInput>;

/** source, schema and profile are accepted and ignored, as MLflow's handler does (schema and profile are computed). */
export const CreateDatasetRequest = z.object({
  name: z.string().trim().min(1, 'the dataset name must not be empty'),
  experiment_ids: ExperimentIds,
  source_type: z.unknown().optional(),
  source: z.string().optional(),
  schema: z.string().optional(),
  profile: z.string().optional(),
  created_by: z.string().optional(),
  tags: jsonText('tags', TagMap).optional(),
});
export type CreateDatasetRequest = z.infer<typeof CreateDatasetRequest>;

export const SearchEvaluationDatasetsRequest = z.object({
  experiment_ids: ExperimentIds,
  filter_string: z.string().optional(),
  max_results: Int64.pipe(z.number().int().min(1).max(50000)).optional().default(1000),
  order_by: z.array(z.string()).optional().default([]),
  page_token: z.string().optional(),
});
export type SearchEvaluationDatasetsRequest = z.infer<typeof SearchEvaluationDatasetsRequest>;

export const SetDatasetTagsRequest = z.object({ dataset_id: z.string().optional(), tags: jsonText('tags', TagMap) });

export const UpsertDatasetRecordsRequest = z.object({
  dataset_id: z.string().optional(),
  records: jsonText('records', z.array(DatasetRecordInput)),
  updated_by: z.string().optional(),
});

export const GetDatasetRecordsRequest = z.object({
  max_results: Int64.pipe(z.number().int().min(1).max(50000)).optional().default(1000),
  page_token: z.string().optional(),
});

export const DeleteDatasetRecordsRequest = z.object({ dataset_id: z.string().optional(), dataset_record_ids: z.array(z.string()).optional().default([]) });

export const DatasetExperimentsRequest = z.object({ dataset_id: z.string().optional(), experiment_ids: ExperimentIds });

// ---- responses ----

/** datasets.proto Dataset. tags is JSON text; experiment_ids is always filled in (MLflow leaves it to a lazy load). */
export const Dataset = z.object({
  dataset_id: z.string(),
  name: z.string(),
  tags: z.string(),
  schema: z.string().optional(),
  profile: z.string().optional(),
  digest: z.string(),
  created_time: z.number().int(),
  last_update_time: z.number().int(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
  experiment_ids: z.array(z.string()),
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetResponse = z.object({ dataset: Dataset });
export type DatasetResponse = z.infer<typeof DatasetResponse>;

export const SearchEvaluationDatasetsResponse = z.object({ datasets: z.array(Dataset), next_page_token: z.string().optional() });
export type SearchEvaluationDatasetsResponse = z.infer<typeof SearchEvaluationDatasetsResponse>;

/** One element of GetDatasetRecords' `records` JSON text: DatasetRecord.to_dict() in MLflow. */
export const DatasetRecord = z.object({
  dataset_record_id: z.string(),
  dataset_id: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.unknown().optional(),
  expectations: z.record(z.string(), z.unknown()).optional(),
  tags: z.record(z.string(), z.unknown()),
  source: z.object({ source_type: z.enum(RECORD_SOURCE_TYPES), source_data: z.record(z.string(), z.unknown()) }).optional(),
  source_id: z.string().optional(),
  source_type: z.enum(RECORD_SOURCE_TYPES).optional(),
  created_time: z.number().int(),
  last_update_time: z.number().int(),
  created_by: z.string().optional(),
  last_updated_by: z.string().optional(),
});
export type DatasetRecord = z.infer<typeof DatasetRecord>;

export const GetDatasetRecordsResponse = z.object({ records: z.string(), next_page_token: z.string().optional() });
export type GetDatasetRecordsResponse = z.infer<typeof GetDatasetRecordsResponse>;

export const UpsertDatasetRecordsResponse = z.object({ inserted_count: z.number().int(), updated_count: z.number().int() });
export type UpsertDatasetRecordsResponse = z.infer<typeof UpsertDatasetRecordsResponse>;

export const DeleteDatasetRecordsResponse = z.object({ deleted_count: z.number().int() });
export type DeleteDatasetRecordsResponse = z.infer<typeof DeleteDatasetRecordsResponse>;

export const GetDatasetExperimentIdsResponse = z.object({ experiment_ids: z.array(z.string()) });
export type GetDatasetExperimentIdsResponse = z.infer<typeof GetDatasetExperimentIdsResponse>;
