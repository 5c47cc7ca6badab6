import { z } from 'zod';

/** google.protobuf.Timestamp in JSON: an RFC 3339 string. Epoch ms numbers are accepted too. */
export const Timestamp = z.union([
  z.number().transform((v) => Math.trunc(v)),
  z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 timestamp such as 2026-04-29T10:00:00.123Z')
    .transform((v) => Date.parse(v)),
]);

/** AI_JUDGE is the deprecated name of LLM_JUDGE; enum numbers are accepted as protobuf JSON allows. */
export const SourceType = z
  .union([z.enum(['SOURCE_TYPE_UNSPECIFIED', 'HUMAN', 'LLM_JUDGE', 'CODE', 'AI_JUDGE']), z.number().int().min(0).max(3)])
  .transform((v) => (typeof v === 'number' ? (['SOURCE_TYPE_UNSPECIFIED', 'HUMAN', 'LLM_JUDGE', 'CODE'] as const)[v] : v === 'AI_JUDGE' ? 'LLM_JUDGE' : v));

export const AssessmentError = z.object({
  error_code: z.string().optional(),
  error_message: z.string().optional(),
  stack_trace: z.string().optional(),
});

export const SerializedValue = z.object({ serialization_format: z.string(), value: z.string() });

/** An assessment as clients send it (CreateAssessment, UpdateAssessment, inside StartTraceV3). */
/** Optional fields sent as JSON null (hand-written clients) mean "not set", as in protobuf JSON. */
export const dropNulls = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null)) : v;

const AssessmentFields = z.object({
  assessment_id: z.string().optional(),
  assessment_name: z.string().min(1).optional(),
  trace_id: z.string().optional(),
  span_id: z.string().optional(),
  source: z.object({ source_type: SourceType.default('SOURCE_TYPE_UNSPECIFIED'), source_id: z.string().optional() }).optional(),
  create_time: Timestamp.optional(),
  last_update_time: Timestamp.optional(),
  feedback: z.object({ value: z.unknown().optional(), error: AssessmentError.optional() }).optional(),
  expectation: z.object({ value: z.unknown().optional(), serialized_value: SerializedValue.optional() }).optional(),
  issue: z.record(z.string(), z.unknown()).optional(),
  rationale: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  overrides: z.string().optional(),
  valid: z.boolean().optional(),
  /** Deprecated top-level error; folded into feedback.error. */
  error: AssessmentError.optional(),
});
export const AssessmentInput = z.preprocess(dropNulls, AssessmentFields);
export type AssessmentInput = z.infer<typeof AssessmentInput>;

/** An assessment as the server returns it (mlflow-protocol.md §6.1). */
export const Assessment = z.object({
  assessment_id: z.string(),
  assessment_name: z.string(),
  trace_id: z.string(),
  span_id: z.string().optional(),
  source: z.object({ source_type: z.enum(['SOURCE_TYPE_UNSPECIFIED', 'HUMAN', 'LLM_JUDGE', 'CODE']), source_id: z.string().optional() }),
  create_time: z.string(),
  last_update_time: z.string(),
  feedback: z.object({ value: z.unknown().optional(), error: AssessmentError.optional() }).optional(),
  expectation: z.object({ value: z.unknown().optional(), serialized_value: SerializedValue.optional() }).optional(),
  issue: z.record(z.string(), z.unknown()).optional(),
  rationale: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  overrides: z.string().optional(),
  valid: z.boolean(),
});
export type Assessment = z.infer<typeof Assessment>;

export const CreateAssessmentRequest = z.object({ assessment: z.preprocess(dropNulls, AssessmentFields.extend({ assessment_name: z.string().min(1) })) });
export type CreateAssessmentRequest = z.infer<typeof CreateAssessmentRequest>;

export const AssessmentResponse = z.object({ assessment: Assessment });
export type AssessmentResponse = z.infer<typeof AssessmentResponse>;

/** FieldMask: one comma-separated string of lowerCamelCase (or snake_case) paths; a list is accepted too. */
export const UpdateMask = z
  .union([z.string(), z.array(z.string()), z.object({ paths: z.array(z.string()) })])
  .transform((v) => (typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : v.paths).map((p) => p.trim()).filter(Boolean))
  .transform((paths) => paths.map((p) => p.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)))
  .pipe(z.array(z.enum(['assessment_name', 'expectation', 'feedback', 'rationale', 'metadata', 'valid', 'span_id', 'source'])));

export const UpdateAssessmentRequest = z.object({ assessment: AssessmentInput, update_mask: UpdateMask });
export type UpdateAssessmentRequest = z.infer<typeof UpdateAssessmentRequest>;

export const DeleteAssessmentRequest = z.object({ trace_id: z.string().optional(), assessment_id: z.string().optional() });

export const EmptyResponse = z.object({}).strict();
