import { sql } from 'kysely';
import { MlflowError } from '../server/errors.js';
import type { NormalizedSpan } from '../server/otlp/normalize.js';
import type { Db } from './db.js';
import { byTrace, planTrace, type IngestJob, type IngestResult, type KeyValueWrite, type TraceInfoRow } from './ingest.js';
import { payloadJsonText } from './payload-pack.js';
import { MAX_PENDING_SPANS } from './ingest-sqlite.js';

/** Rows per multi-row INSERT: 11 columns × 5,000 stays under PostgreSQL's 65,535 bind parameters. */
const CHUNK = 5000;
const inFlight = new WeakMap<Db, number>();

/**
 * One transaction per request with multi-row inserts. Trace headers are created (or locked) first,
 * in sorted order, so concurrent requests for the same trace serialise instead of racing; the
 * header is then recomputed by planTrace and updated.
 */
export async function ingestPostgres(db: Db, job: IngestJob): Promise<IngestResult> {
  const pending = inFlight.get(db) ?? 0;
  if (pending > 0 && pending + job.spans.length > MAX_PENDING_SPANS) {
    throw MlflowError.unavailable('The span store is behind; retry shortly', 1);
  }
  inFlight.set(db, pending + job.spans.length);
  try {
    // Requests sharing traces lock headers in two sorted passes (new rows, then existing ones), which
    // can still form a cycle; PostgreSQL then aborts one side, and a retry of that side succeeds.
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute((trx) => write(trx, job));
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw err;
      }
    }
  } finally {
    inFlight.set(db, (inFlight.get(db) ?? job.spans.length) - job.spans.length);
  }
}

async function write(trx: Db, job: IngestJob): Promise<IngestResult> {
  const now = Date.now();
  const groups = byTrace(job.spans);
  const traceIds = [...groups.keys()].sort();
  const created = new Set<string>();
  for (let i = 0; i < traceIds.length; i += CHUNK) {
    const placeholders = traceIds.slice(i, i + CHUNK).map((trace_id) => ({ trace_id, experiment_id: job.experimentId, request_time: 0, state: 'IN_PROGRESS', num_spans: 0, info_finalized: 0, spans_in_store: 0, created_at: now }));
    const rows = await trx.insertInto('trace_info').values(placeholders).onConflict((oc) => oc.column('trace_id').doNothing()).returning('trace_id').execute();
    for (const r of rows) created.add(r.trace_id);
  }
  const existing = new Map<string, TraceInfoRow>();
  for (const r of await trx.selectFrom('trace_info').selectAll().where('trace_id', 'in', traceIds).orderBy('trace_id').forUpdate().execute()) existing.set(r.trace_id, r);

  const insertedKeys = new Set<string>();
  for (const pack of job.packs) {
    // PostgreSQL stores payload rows as text (it compresses large values itself).
    const { payload_id } = await trx.insertInto('span_payloads').values({ payload: payloadJsonText(pack.data) }).returning('payload_id').executeTakeFirstOrThrow();
    let mine = 0;
    for (let i = 0; i < pack.spans.length; i += CHUNK) {
      const rows = pack.spans.slice(i, i + CHUNK).map((s) => ({
        trace_key: existing.get(s.traceId)!.trace_key, trace_id: s.traceId, span_id: s.spanId, parent_span_id: s.parentSpanId, name: s.name, span_type: s.spanType, status: s.status,
        start_time_ms: s.startMs, end_time_ms: s.endMs, start_time_ns: s.startNs, end_time_ns: s.endNs, payload_id: Number(payload_id),
      }));
      const got = await trx.insertInto('spans').values(rows).onConflict((oc) => oc.columns(['trace_key', 'span_id']).doNothing()).returning(['trace_id', 'span_id']).execute();
      for (const r of got) insertedKeys.add(r.trace_id + r.span_id);
      mine += got.length;
    }
    if (mine === 0) await trx.deleteFrom('span_payloads').where('payload_id', '=', payload_id).execute();
  }

  const writes: (KeyValueWrite & { traceId: string })[] = [];
  let inserted = 0;
  for (const traceId of traceIds) {
    const fresh: NormalizedSpan[] = groups.get(traceId)!.filter((s) => insertedKeys.has(traceId + s.spanId));
    if (fresh.length === 0) {
      // Only re-sent spans (their trace was deleted since): drop the placeholder header made above.
      if (created.has(traceId)) await trx.deleteFrom('trace_info').where('trace_id', '=', traceId).execute();
      continue;
    }
    inserted += fresh.length;
    const prev = created.has(traceId) ? undefined : existing.get(traceId);
    const plan = planTrace(prev, { traceId, inserted: fresh }, { experimentId: job.experimentId, now });
    const { trace_id: _id, trace_key: _key, ...values } = plan.info as TraceInfoRow;
    await trx.updateTable('trace_info').set(values).where('trace_id', '=', traceId).execute();
    for (const w of plan.writes) writes.push({ ...w, traceId });
  }
  await writeKeyValues(trx, writes);
  return { inserted, duplicates: job.spans.length - inserted };
}

async function writeKeyValues(trx: Db, writes: (KeyValueWrite & { traceId: string })[]): Promise<void> {
  for (const table of ['trace_tags', 'trace_metadata'] as const) {
    for (const mode of ['ignore', 'replace'] as const) {
      const rows = writes.filter((w) => w.table === table && w.mode === mode).map((w) => ({ trace_id: w.traceId, key: w.key, value: w.value }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx
          .insertInto(table)
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) => (mode === 'ignore' ? oc.columns(['trace_id', 'key']).doNothing() : oc.columns(['trace_id', 'key']).doUpdateSet({ value: sql`excluded.value` })))
          .execute();
      }
    }
  }
}
