import { createHash, randomBytes } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import { MlflowError } from '../server/errors.js';
import type { Assessment, AssessmentInput } from '../server/schemas/assessments.js';
import type { Db } from './db.js';
import type { TracesTables } from './tables/traces.js';

type AssessmentRow = Selectable<TracesTables['assessments']>;
type AssessmentInsert = Insertable<TracesTables['assessments']>;
export type AssessmentField = 'assessment_name' | 'expectation' | 'feedback' | 'rationale' | 'metadata' | 'valid' | 'span_id' | 'source';

/** protobuf JSON Timestamp: RFC 3339 with 0 or 3 fractional digits, as MLflow's server writes it. */
export function msToRfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function newAssessmentId(): string {
  return `a-${randomBytes(16).toString('hex')}`;
}

/**
 * How the value is stored (column value_json): feedback and expectation values are their JSON text
 * (so `0.8`, `true`, `"yes"`), which is what trace search compares against; an expectation sent as
 * `serialized_value` is stored as `{"serialized_value":{...}}` (a plain value never has that single
 * key in practice); an issue stores its whole object.
 */
function valueColumns(a: AssessmentInput): Pick<AssessmentInsert, 'kind' | 'value_json' | 'error_json'> {
  const kinds = [a.feedback && 'feedback', a.expectation && 'expectation', a.issue && 'issue'].filter(Boolean);
  if (kinds.length !== 1) throw MlflowError.invalidParameter('An assessment must have exactly one of feedback, expectation or issue');
  if (a.feedback) {
    const error = a.feedback.error ?? a.error;
    if (a.feedback.value === undefined && !error) throw MlflowError.invalidParameter('Feedback needs a value or an error');
    return { kind: 'feedback', value_json: a.feedback.value === undefined ? null : JSON.stringify(a.feedback.value), error_json: error ? JSON.stringify(error) : null };
  }
  if (a.expectation) {
    const { value, serialized_value } = a.expectation;
    if (value === undefined && !serialized_value) throw MlflowError.invalidParameter('Expectation needs a value or a serialized_value');
    return { kind: 'expectation', value_json: JSON.stringify(serialized_value ? { serialized_value } : value), error_json: null };
  }
  return { kind: 'issue', value_json: JSON.stringify(a.issue), error_json: null };
}

export function assessmentRowToWire(r: AssessmentRow): Assessment {
  const value = r.value_json === null ? undefined : JSON.parse(r.value_json);
  const out: Assessment = {
    assessment_id: r.assessment_id,
    assessment_name: r.name,
    trace_id: r.trace_id,
    source: { source_type: r.source_type as Assessment['source']['source_type'], ...(r.source_id !== null && { source_id: r.source_id }) },
    create_time: msToRfc3339(Number(r.create_time)),
    last_update_time: msToRfc3339(Number(r.last_update_time)),
    valid: r.valid === 1,
  };
  if (r.span_id) out.span_id = r.span_id;
  if (r.kind === 'feedback') out.feedback = { ...(value !== undefined && { value }), ...(r.error_json && { error: JSON.parse(r.error_json) }) };
  else if (r.kind === 'expectation') {
    const serialized = value && typeof value === 'object' && Object.keys(value).length === 1 ? value.serialized_value : undefined;
    out.expectation = serialized ? { serialized_value: serialized } : { value };
  } else out.issue = value;
  if (r.rationale !== null) out.rationale = r.rationale;
  if (r.metadata_json) out.metadata = JSON.parse(r.metadata_json);
  if (r.overrides) out.overrides = r.overrides;
  return out;
}

function toRow(traceId: string, a: AssessmentInput & { assessment_name: string }, id: string, now: number): AssessmentInsert {
  return {
    assessment_id: id,
    trace_id: traceId,
    name: a.assessment_name,
    ...valueColumns(a),
    span_id: a.span_id || null,
    source_type: a.source?.source_type ?? 'SOURCE_TYPE_UNSPECIFIED',
    source_id: a.source?.source_id ?? null,
    rationale: a.rationale ?? null,
    metadata_json: a.metadata && Object.keys(a.metadata).length ? JSON.stringify(a.metadata) : null,
    overrides: a.overrides || null,
    valid: a.valid === false ? 0 : 1,
    create_time: a.create_time ?? now,
    last_update_time: a.last_update_time ?? a.create_time ?? now,
  };
}

/** All assessments of the given traces, oldest first, grouped by trace id. */
export async function listAssessments(db: Db, traceIds: string[]): Promise<Map<string, Assessment[]>> {
  const byTrace = new Map<string, Assessment[]>();
  if (traceIds.length === 0) return byTrace;
  const rows = await db.selectFrom('assessments').selectAll().where('trace_id', 'in', traceIds).orderBy('create_time').orderBy('assessment_id').execute();
  for (const r of rows) {
    const list = byTrace.get(r.trace_id) ?? [];
    list.push(assessmentRowToWire(r));
    byTrace.set(r.trace_id, list);
  }
  return byTrace;
}

export async function getAssessment(db: Db, traceId: string, assessmentId: string): Promise<Assessment | undefined> {
  const row = await db.selectFrom('assessments').selectAll().where('assessment_id', '=', assessmentId).where('trace_id', '=', traceId).executeTakeFirst();
  return row && assessmentRowToWire(row);
}

/** Creates an assessment; when it overrides another, that one becomes invalid (it must exist). */
export async function createAssessment(db: Db, traceId: string, a: AssessmentInput & { assessment_name: string }, now = Date.now()): Promise<Assessment> {
  const row = toRow(traceId, a, newAssessmentId(), now);
  if (row.overrides) {
    const res = await db.updateTable('assessments').set({ valid: 0 }).where('assessment_id', '=', row.overrides).where('trace_id', '=', traceId).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw MlflowError.notFound(`Assessment with ID '${row.overrides}' to override not found on trace '${traceId}'`);
  }
  await db.insertInto('assessments').values(row).execute();
  return (await getAssessment(db, traceId, row.assessment_id))!;
}

/**
 * Stores the assessments a StartTraceV3 carries. Ids missing from the client are derived from the
 * content, so sending the same TraceInfo twice stores each assessment once (StartTraceV3 is idempotent).
 */
export async function insertTraceAssessments(db: Db, traceId: string, list: AssessmentInput[], now = Date.now()): Promise<void> {
  for (const a of list) {
    if (!a.assessment_name) throw MlflowError.invalidParameter("Missing value for required parameter 'assessment_name' of an assessment in trace_info.assessments");
    const id = a.assessment_id || `a-${createHash('sha256').update(traceId).update(JSON.stringify(a)).digest('hex').slice(0, 32)}`;
    const row = toRow(traceId, { ...a, assessment_name: a.assessment_name }, id, now);
    await db.insertInto('assessments').values(row).onConflict((oc) => oc.column('assessment_id').doNothing()).execute();
  }
}

/** Applies the update_mask fields of `a` to an existing assessment; undefined when it does not exist. */
export async function updateAssessment(db: Db, traceId: string, id: string, a: AssessmentInput, mask: AssessmentField[], now = Date.now()): Promise<Assessment | undefined> {
  const current = await db.selectFrom('assessments').selectAll().where('assessment_id', '=', id).where('trace_id', '=', traceId).executeTakeFirst();
  if (!current) return undefined;
  const set: Partial<AssessmentInsert> = { last_update_time: now };
  for (const field of new Set(mask)) {
    if (field === 'assessment_name') {
      if (!a.assessment_name) throw MlflowError.invalidParameter("update_mask names 'assessment_name' but assessment.assessment_name is empty");
      set.name = a.assessment_name;
    } else if (field === 'feedback' || field === 'expectation') {
      if (!a[field]) throw MlflowError.invalidParameter(`update_mask names '${field}' but assessment.${field} is missing`);
      Object.assign(set, valueColumns({ [field]: a[field], error: a.error }));
    } else if (field === 'rationale') set.rationale = a.rationale ?? null;
    else if (field === 'metadata') set.metadata_json = a.metadata && Object.keys(a.metadata).length ? JSON.stringify(a.metadata) : null;
    else if (field === 'valid') set.valid = a.valid === false ? 0 : 1;
    else if (field === 'span_id') set.span_id = a.span_id || null;
    else if (field === 'source') {
      set.source_type = a.source?.source_type ?? 'SOURCE_TYPE_UNSPECIFIED';
      set.source_id = a.source?.source_id ?? null;
    }
  }
  await db.updateTable('assessments').set(set).where('assessment_id', '=', id).execute();
  return getAssessment(db, traceId, id);
}

/** True when an assessment was deleted. Deleting an override makes the assessment it replaced valid again. */
export async function deleteAssessment(db: Db, traceId: string, id: string): Promise<boolean> {
  const row = await db.selectFrom('assessments').select('overrides').where('assessment_id', '=', id).where('trace_id', '=', traceId).executeTakeFirst();
  if (!row) return false;
  await db.deleteFrom('assessments').where('assessment_id', '=', id).execute();
  if (row.overrides) await db.updateTable('assessments').set({ valid: 1 }).where('assessment_id', '=', row.overrides).where('trace_id', '=', traceId).execute();
  return true;
}
