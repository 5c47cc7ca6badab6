import type { Selectable } from 'kysely';
import type { TraceInfoV3, TraceInfoV3Input } from '../server/schemas/traces.js';
import { insertTraceAssessments, listAssessments, msToRfc3339 } from './assessments.js';
import type { Db } from './db.js';
import type { TracesTables } from './tables/traces.js';

export type TraceInfoRow = Selectable<TracesTables['trace_info']>;

export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';
/** The Python server refuses to set or delete these through the tag APIs. */
export const IMMUTABLE_TAGS = new Set([ARTIFACT_LOCATION_TAG, 'mlflow.user']);

/** protobuf JSON Duration with 0 or 3 fractional digits, as MLflow writes it ("0.127s", "2s"). */
export function msToDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`;
}

/** The experiment a trace is logged to: undefined when it does not exist. */
export async function findExperiment(db: Db, experimentId: string) {
  if (!/^\d{1,18}$/.test(experimentId)) return undefined;
  return db
    .selectFrom('experiments')
    .select(['experiment_id', 'artifact_location', 'lifecycle_stage'])
    .where('experiment_id', '=', Number(experimentId))
    .executeTakeFirst();
}

export function traceArtifactLocation(experimentArtifactLocation: string, traceId: string): string {
  return `${experimentArtifactLocation.replace(/\/+$/, '')}/traces/${traceId}/artifacts`;
}

/**
 * StartTraceV3: merges the client's final TraceInfo into whatever OTLP ingest created first. Client
 * values win for the header, tags and metadata; span counts, tokens and spans_in_store stay from
 * ingest. Idempotent: the same info sent twice leaves the same rows. Run it inside a transaction.
 */
export async function startTrace(db: Db, info: TraceInfoV3Input, experimentId: number, artifactLocation: string, now = Date.now()): Promise<void> {
  const header = {
    experiment_id: experimentId,
    ...(info.request_time !== undefined && { request_time: info.request_time }),
    ...(info.execution_duration !== undefined && { execution_duration: info.execution_duration }),
    ...(info.state !== undefined && { state: info.state }),
    ...(info.request_preview !== undefined && { request_preview: info.request_preview }),
    ...(info.response_preview !== undefined && { response_preview: info.response_preview }),
    ...(info.client_request_id !== undefined && { client_request_id: info.client_request_id }),
    info_finalized: 1,
  };
  await db
    .insertInto('trace_info')
    .values({ trace_id: info.trace_id, request_time: now, state: 'STATE_UNSPECIFIED', num_spans: 0, spans_in_store: 0, created_at: now, ...header })
    .onConflict((oc) => oc.column('trace_id').doUpdateSet(header))
    .execute();

  // The server owns these two tags: the location is derived from its own experiment, the spans
  // location from what actually reached the store.
  const tags = Object.entries(info.tags ?? {}).filter(([k]) => k !== ARTIFACT_LOCATION_TAG && k !== SPANS_LOCATION_TAG);
  await upsertKeyValues(db, 'trace_tags', info.trace_id, tags);
  await db
    .insertInto('trace_tags')
    .values({ trace_id: info.trace_id, key: ARTIFACT_LOCATION_TAG, value: traceArtifactLocation(artifactLocation, info.trace_id) })
    .onConflict((oc) => oc.columns(['trace_id', 'key']).doNothing())
    .execute();
  const metadata = { ...info.trace_metadata, 'mlflow.trace.infoFinalized': 'true' };
  await upsertKeyValues(db, 'trace_metadata', info.trace_id, Object.entries(metadata));
  if (info.assessments?.length) await insertTraceAssessments(db, info.trace_id, info.assessments, now);
}

export async function upsertKeyValues(db: Db, table: 'trace_tags' | 'trace_metadata', traceId: string, entries: [string, string][]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto(table)
    .values(entries.map(([key, value]) => ({ trace_id: traceId, key, value })))
    .onConflict((oc) => oc.columns(['trace_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}

/** Tags, metadata and assessments for a set of trace rows, assembled into TraceInfoV3s in row order. */
export async function traceInfosFromRows(db: Db, rows: TraceInfoRow[]): Promise<TraceInfoV3[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.trace_id);
  const experimentIds = [...new Set(rows.map((r) => Number(r.experiment_id)))];
  const [tags, metadata, assessments, experiments] = await Promise.all([
    db.selectFrom('trace_tags').select(['trace_id', 'key', 'value']).where('trace_id', 'in', ids).execute(),
    db.selectFrom('trace_metadata').select(['trace_id', 'key', 'value']).where('trace_id', 'in', ids).execute(),
    listAssessments(db, ids),
    db.selectFrom('experiments').select(['experiment_id', 'artifact_location']).where('experiment_id', 'in', experimentIds).execute(),
  ]);
  const group = (list: { trace_id: string; key: string; value: string }[]) => {
    const m = new Map<string, Record<string, string>>();
    for (const { trace_id, key, value } of list) {
      const rec = m.get(trace_id) ?? {};
      rec[key] = value;
      m.set(trace_id, rec);
    }
    return m;
  };
  const tagsBy = group(tags);
  const metaBy = group(metadata);
  const locationBy = new Map(experiments.map((e) => [Number(e.experiment_id), e.artifact_location]));
  return rows.map((r) => {
    const derived = derivedTraceValues(r, locationBy.get(Number(r.experiment_id)));
    const outTags = withDerived(tagsBy.get(r.trace_id), derived.tags);
    const outMeta = withDerived(metaBy.get(r.trace_id), derived.metadata);
    return traceRowToWire(r, outTags, outMeta, assessments.get(r.trace_id) ?? []);
  });
}

/**
 * Tags and metadata the server derives for a trace instead of storing them as rows at ingest (one
 * header row per trace is the whole write; see ingest.ts). Values are exactly what used to be
 * written: the artifact location from the experiment, the schema version and token usage from
 * header columns, cost/session/user/size statistics from the header's text columns.
 */
export function derivedTraceValues(r: TraceInfoRow, experimentArtifactLocation: string | undefined): { tags: Record<string, string>; metadata: Record<string, string> } {
  const tags: Record<string, string> = {};
  if (experimentArtifactLocation !== undefined) tags[ARTIFACT_LOCATION_TAG] = traceArtifactLocation(experimentArtifactLocation, r.trace_id);
  const metadata: Record<string, string> = {};
  if (r.spans_in_store === 1) metadata['mlflow.trace_schema.version'] = '3';
  if (r.input_tokens !== null) {
    metadata['mlflow.trace.tokenUsage'] = JSON.stringify({ input_tokens: Number(r.input_tokens), output_tokens: Number(r.output_tokens), total_tokens: Number(r.total_tokens) });
  }
  if (r.cost_json !== null) metadata['mlflow.trace.cost'] = r.cost_json;
  if (r.session_json !== null) metadata['mlflow.trace.session'] = r.session_json;
  if (r.user_json !== null) metadata['mlflow.trace.user'] = r.user_json;
  if (r.size_stats !== null) metadata['mlflow.trace.sizeStats'] = r.size_stats;
  if (r.size_bytes !== null) metadata['mlflow.trace.sizeBytes'] = String(r.size_bytes);
  return { tags, metadata };
}

/** Stored rows win over derived values (client-set keys); keys come out sorted, as the (trace_id, key) index returned them. */
function withDerived(stored: Record<string, string> | undefined, derived: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = { ...derived, ...stored };
  const out: Record<string, string> = {};
  for (const k of Object.keys(merged).sort()) out[k] = merged[k];
  return out;
}

export function traceRowToWire(r: TraceInfoRow, tags: Record<string, string>, metadata: Record<string, string>, assessments: TraceInfoV3['assessments']): TraceInfoV3 {
  const outTags = { ...tags };
  // Reported iff spans are in the store: the Python client then reads them through traces/get
  // instead of downloading traces.json (mlflow-protocol.md §4.1).
  delete outTags[SPANS_LOCATION_TAG];
  if (r.spans_in_store === 1) outTags[SPANS_LOCATION_TAG] = 'TRACKING_STORE';
  const info: TraceInfoV3 = {
    trace_id: r.trace_id,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: String(r.experiment_id) } },
    request_time: msToRfc3339(Number(r.request_time)),
    state: r.state as TraceInfoV3['state'],
    trace_metadata: metadata,
    tags: outTags,
    assessments,
  };
  if (r.client_request_id !== null) info.client_request_id = r.client_request_id;
  if (r.request_preview !== null) info.request_preview = r.request_preview;
  if (r.response_preview !== null) info.response_preview = r.response_preview;
  if (r.execution_duration !== null) info.execution_duration = msToDuration(Number(r.execution_duration));
  return info;
}

export async function getTraceRows(db: Db, traceIds: string[]): Promise<TraceInfoRow[]> {
  if (traceIds.length === 0) return [];
  return db.selectFrom('trace_info').selectAll().where('trace_id', 'in', traceIds).execute();
}

/** TraceInfoV3s for the ids that exist, in the order asked for. */
export async function getTraceInfos(db: Db, traceIds: string[]): Promise<TraceInfoV3[]> {
  const rows = await getTraceRows(db, [...new Set(traceIds)]);
  const byId = new Map(rows.map((r) => [r.trace_id, r]));
  return traceInfosFromRows(db, traceIds.flatMap((id) => byId.get(id) ?? []).filter((r, i, a) => a.indexOf(r) === i));
}

export async function getTraceInfo(db: Db, traceId: string): Promise<TraceInfoV3 | undefined> {
  return (await getTraceInfos(db, [traceId]))[0];
}

/** False when the trace does not exist. */
export async function setTraceTag(db: Db, traceId: string, key: string, value: string): Promise<boolean> {
  const exists = await db.selectFrom('trace_info').select('trace_id').where('trace_id', '=', traceId).executeTakeFirst();
  if (!exists) return false;
  await upsertKeyValues(db, 'trace_tags', traceId, [[key, value]]);
  return true;
}

/** False when the trace or the tag does not exist. */
export async function deleteTraceTag(db: Db, traceId: string, key: string): Promise<boolean> {
  const res = await db.deleteFrom('trace_tags').where('trace_id', '=', traceId).where('key', '=', key).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Sets metadata mlflow.sourceRun on each existing trace; unknown ids are skipped as MLflow does. */
export async function linkTracesToRun(db: Db, traceIds: string[], runId: string): Promise<void> {
  const rows = await db.selectFrom('trace_info').select('trace_id').where('trace_id', 'in', traceIds).execute();
  for (const { trace_id } of rows) await upsertKeyValues(db, 'trace_metadata', trace_id, [['mlflow.sourceRun', runId]]);
}

/**
 * Merges prompt versions into tag mlflow.linkedPrompts without duplicates. The tag is written the
 * way Python's json.dumps writes it, because the client also PATCHes it with its own serialisation
 * and `prompt = 'name/version'` searches match that text.
 */
export async function linkPromptsToTrace(db: Db, traceId: string, versions: { name: string; version: string }[]): Promise<boolean> {
  const row = await db.selectFrom('trace_info').select('trace_id').where('trace_id', '=', traceId).executeTakeFirst();
  if (!row) return false;
  const tag = await db.selectFrom('trace_tags').select('value').where('trace_id', '=', traceId).where('key', '=', 'mlflow.linkedPrompts').executeTakeFirst();
  let current: { name: string; version: string }[] = [];
  try {
    const parsed = tag ? JSON.parse(tag.value) : [];
    if (Array.isArray(parsed)) current = parsed.filter((p) => p && typeof p.name === 'string').map((p) => ({ name: p.name, version: String(p.version) }));
  } catch {
    // A tag someone set by hand to non-JSON is replaced by the merged list.
  }
  for (const v of versions) if (!current.some((p) => p.name === v.name && p.version === v.version)) current.push(v);
  const text = `[${current.map((p) => `{"name": ${JSON.stringify(p.name)}, "version": ${JSON.stringify(p.version)}}`).join(', ')}]`;
  await upsertKeyValues(db, 'trace_tags', traceId, [['mlflow.linkedPrompts', text]]);
  return true;
}

/**
 * DeleteTraces: either the traces of an experiment started at or before max_timestamp_millis
 * (oldest first, at most max_traces), or the listed ids within the experiment. Returns how many.
 */
export async function deleteTraces(
  db: Db,
  req: { experiment_id: string; max_timestamp_millis?: number; max_traces?: number; request_ids?: string[] },
): Promise<number> {
  if (!/^\d{1,18}$/.test(req.experiment_id)) return 0;
  let q = db.selectFrom('trace_info').select('trace_id').where('experiment_id', '=', Number(req.experiment_id));
  if (req.request_ids?.length) q = q.where('trace_id', 'in', req.request_ids);
  else {
    q = q.where('request_time', '<=', req.max_timestamp_millis!).orderBy('request_time').orderBy('trace_id');
    if (req.max_traces !== undefined) q = q.limit(req.max_traces);
  }
  const ids = (await q.execute()).map((r) => r.trace_id);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await deleteSpans(db, chunk);
    for (const table of ['trace_tags', 'trace_metadata', 'assessments', 'trace_info'] as const) {
      await db.deleteFrom(table).where('trace_id', 'in', chunk).execute();
    }
  }
  return ids.length;
}

/**
 * Span rows of the given traces, and the payload rows no span points at any more. A payload row
 * holds one ingest request's spans, possibly of other traces too; such a row stays while any of
 * its spans does (src/store/spans.ts offers no delete, so this follows migration 0003's layout).
 */
async function deleteSpans(db: Db, traceIds: string[]): Promise<void> {
  const keys = (await db.selectFrom('trace_info').select('trace_key').where('trace_id', 'in', traceIds).execute()).map((r) => Number(r.trace_key));
  if (keys.length === 0) return;
  const payloadIds = (await db.selectFrom('spans').select('payload_id').distinct().where('trace_key', 'in', keys).execute()).map((r) => Number(r.payload_id));
  await db.deleteFrom('spans').where('trace_key', 'in', keys).execute();
  for (let i = 0; i < payloadIds.length; i += 500) {
    const chunk = payloadIds.slice(i, i + 500);
    const kept = new Set((await db.selectFrom('spans').select('payload_id').distinct().where('payload_id', 'in', chunk).execute()).map((r) => Number(r.payload_id)));
    const orphans = chunk.filter((id) => !kept.has(id));
    if (orphans.length) await db.deleteFrom('span_payloads').where('payload_id', 'in', orphans).execute();
  }
}
