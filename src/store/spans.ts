import { sql } from 'kysely';
import { nsLess, withDerivedInputsOutputs, type SpanStatus } from '../server/otlp/normalize.js';
import type { Attributes, AttrValue, OtlpEvent, OtlpLink } from '../server/otlp/otlp-types.js';
import type { Store } from './db.js';
import { payloadEntries, type StoredPayload } from './payload-pack.js';
import type { Database } from './schema.js';

export { spanFilterCondition } from './span-filter.js';
export { toOtelSpanJson, toTracesJsonSpan, tracesJsonText } from './span-json.js';

/** A stored span, whole: the narrow row joined with its payload. Times in ns are exact decimal strings. */
export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  span_type: string;
  status: SpanStatus;
  status_message: string;
  start_time_ns: string;
  end_time_ns: string | null;
  start_time_ms: number;
  end_time_ms: number | null;
  kind: number;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
}

type SpanRow = Database['spans'];

/** Span rows point at their trace's integer key (migration 0008), found through trace_info. */
const KEY_OF_TRACE = 'SELECT trace_key FROM trace_info WHERE trace_id = ?';
const SPAN_COLUMNS = 'trace_key, trace_id, span_id, parent_span_id, name, span_type, status, start_time_ms, end_time_ms, start_time_ns, end_time_ns, payload_id';

/** Every span of a trace in start order (exact ns; ties keep insertion order) (empty when none is stored). Reads the trace's payload rows only. */
export async function getTraceSpans(store: Store, traceId: string): Promise<SpanRecord[]> {
  let rows: SpanRow[];
  let payloads: { payload_id: number; payload: string | Uint8Array }[] = [];
  if (store.sqlite) {
    rows = store.sqlite.prepare(`SELECT ${SPAN_COLUMNS} FROM spans WHERE trace_key = (${KEY_OF_TRACE}) ORDER BY rowid`).all(traceId) as SpanRow[];
    const ids = [...new Set(rows.map((r) => r.payload_id))];
    const get = store.sqlite.prepare('SELECT payload_id, payload FROM span_payloads WHERE payload_id = ?');
    for (const id of ids) payloads.push(get.get(id) as { payload_id: number; payload: string | Uint8Array });
  } else {
    rows = await store.db
      .selectFrom('spans')
      .selectAll()
      .where('trace_key', '=', (eb) => eb.selectFrom('trace_info').select('trace_key').where('trace_id', '=', traceId))
      .execute();
    const ids = [...new Set(rows.map((r) => Number(r.payload_id)))];
    if (ids.length) payloads = await store.db.selectFrom('span_payloads').select(['payload_id', 'payload']).where('payload_id', 'in', ids).execute();
  }
  // A payload row holds every span of one ingest request; keep this trace's entries, keyed by payload row and span.
  const byPayload = new Map<number, Map<string, StoredPayload>>();
  for (const p of payloads) {
    if (!p) continue;
    const entries = new Map<string, StoredPayload>();
    for (const e of payloadEntries(p.payload, traceId)) if (e.trace_id === traceId) entries.set(e.span_id, e);
    byPayload.set(Number(p.payload_id), entries);
  }
  rows.sort((a, b) => (a.start_time_ns === b.start_time_ns ? 0 : nsLess(a.start_time_ns, b.start_time_ns) ? -1 : 1));
  const out: SpanRecord[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const p = byPayload.get(Number(r.payload_id))?.get(r.span_id);
    out[i] = {
      trace_id: r.trace_id,
      span_id: r.span_id,
      parent_span_id: r.parent_span_id,
      name: r.name,
      span_type: r.span_type,
      status: r.status as SpanStatus,
      status_message: p?.status_message ?? '',
      start_time_ns: r.start_time_ns,
      end_time_ns: r.end_time_ns,
      start_time_ms: Number(r.start_time_ms),
      end_time_ms: r.end_time_ms === null ? null : Number(r.end_time_ms),
      kind: p?.kind ?? 0,
      attributes: p?.derived_io ? withDerivedInputsOutputs(p.attributes, p.events) : (p?.attributes ?? {}),
      events: p?.events ?? [],
      links: p?.links ?? [],
    };
  }
  return out;
}

/** Spans stored for a trace, from the narrow rows only (no payload read). */
export async function countTraceSpans(store: Store, traceId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM spans WHERE trace_key = (SELECT trace_key FROM trace_info WHERE trace_id = ${traceId})`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

