import { sql } from 'kysely';
import { nsLess, withDerivedInputsOutputs, type SpanStatus } from '../server/otlp/normalize.js';
import type { Attributes, AttrValue, OtlpEvent, OtlpLink } from '../server/otlp/otlp-types.js';
import type { Store } from './db.js';

export { spanFilterCondition } from './span-filter.js';

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

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  span_type: string;
  status: string;
  start_time_ms: number;
  end_time_ms: number | null;
  start_time_ns: string;
  end_time_ns: string | null;
  payload_id: number;
}

interface StoredPayload {
  trace_id: string;
  span_id: string;
  kind: number;
  status_message: string;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  derived_io?: 1;
}

const SPAN_COLUMNS = 'trace_id, span_id, parent_span_id, name, span_type, status, start_time_ms, end_time_ms, start_time_ns, end_time_ns, payload_id';

/** Every span of a trace in start order (exact ns; ties keep insertion order) (empty when none is stored). Reads the trace's payload rows only. */
export async function getTraceSpans(store: Store, traceId: string): Promise<SpanRecord[]> {
  let rows: SpanRow[];
  let payloads: { payload_id: number; payload: string }[] = [];
  if (store.sqlite) {
    rows = store.sqlite.prepare(`SELECT ${SPAN_COLUMNS} FROM spans WHERE trace_id = ? ORDER BY rowid`).all(traceId) as SpanRow[];
    const ids = [...new Set(rows.map((r) => r.payload_id))];
    const get = store.sqlite.prepare('SELECT payload_id, payload FROM span_payloads WHERE payload_id = ?');
    for (const id of ids) payloads.push(get.get(id) as { payload_id: number; payload: string });
  } else {
    rows = await store.db.selectFrom('spans').selectAll().where('trace_id', '=', traceId).execute();
    const ids = [...new Set(rows.map((r) => Number(r.payload_id)))];
    if (ids.length) payloads = await store.db.selectFrom('span_payloads').select(['payload_id', 'payload']).where('payload_id', 'in', ids).execute();
  }
  // A payload row holds every span of one ingest request; keep this trace's entries, keyed by payload row and span.
  const bySpan = new Map<string, StoredPayload>();
  for (const p of payloads) {
    if (!p) continue;
    for (const s of JSON.parse(p.payload) as StoredPayload[]) if (s.trace_id === traceId) bySpan.set(`${Number(p.payload_id)}:${s.span_id}`, s);
  }
  rows.sort((a, b) => (a.start_time_ns === b.start_time_ns ? 0 : nsLess(a.start_time_ns, b.start_time_ns) ? -1 : 1));
  return rows.map((r) => {
    const p = bySpan.get(`${Number(r.payload_id)}:${r.span_id}`);
    const { payload_id: _p, ...row } = r;
    return {
      ...row,
      start_time_ms: Number(r.start_time_ms),
      end_time_ms: r.end_time_ms === null ? null : Number(r.end_time_ms),
      status: r.status as SpanStatus,
      status_message: p?.status_message ?? '',
      kind: p?.kind ?? 0,
      attributes: p?.derived_io ? withDerivedInputsOutputs(p.attributes, p.events) : (p?.attributes ?? {}),
      events: p?.events ?? [],
      links: p?.links ?? [],
    };
  });
}

const b64 = (hex: string) => Buffer.from(hex.startsWith('tr-') ? hex.slice(3) : hex, 'hex').toString('base64');
const STATUS_CODE: Record<string, string> = { UNSET: 'STATUS_CODE_UNSET', OK: 'STATUS_CODE_OK', ERROR: 'STATUS_CODE_ERROR' };

/**
 * The span as MLflow's GetTrace/BatchGetTraces return it (mlflow-protocol.md §4.6): protobuf JSON of
 * an OTel Span with snake_case names, base64 ids, ns as strings, AnyValue attributes, status enum
 * names (UNSET is `{}`). Strings holding a JSON object/array come back structured, as on MLflow.
 */
export function toOtelSpanJson(span: SpanRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { trace_id: b64(span.trace_id), span_id: b64(span.span_id) };
  if (span.parent_span_id) out.parent_span_id = b64(span.parent_span_id);
  out.name = span.name;
  out.start_time_unix_nano = span.start_time_ns;
  out.end_time_unix_nano = span.end_time_ns ?? span.start_time_ns;
  out.attributes = keyValues(span.attributes);
  if (span.events.length) {
    out.events = span.events.map((e) => ({ time_unix_nano: e.timeUnixNano, name: e.name, attributes: keyValues(e.attributes) }));
  }
  const status: Record<string, string> = {};
  if (span.status_message) status.message = span.status_message;
  if (span.status !== 'UNSET') status.code = STATUS_CODE[span.status];
  out.status = status;
  return out;
}

function keyValues(attrs: Attributes): { key: string; value: Record<string, unknown> }[] {
  return Object.keys(attrs).map((key) => ({ key, value: anyValue(attrs[key], true) }));
}

function anyValue(v: AttrValue, top = false): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') {
    const c = v.charCodeAt(0);
    if (top && (c === 123 || c === 91)) {
      try {
        return anyValue(JSON.parse(v) as AttrValue);
      } catch {
        return { string_value: v };
      }
    }
    return { string_value: v };
  }
  if (typeof v === 'boolean') return { bool_value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { int_value: v } : { double_value: v };
  if (Array.isArray(v)) return { array_value: { values: v.map((x) => anyValue(x)) } };
  return { kvlist_value: { values: Object.keys(v).map((key) => ({ key, value: anyValue(v[key]) })) } };
}

/**
 * The span as the Python client writes it to traces.json (§4.5): base64 ids, every attribute value
 * JSON-encoded (a string already holding a JSON object/array is kept as is, as MLflow stores OTLP
 * strings), STATUS_CODE_* names, ns as bigint so `tracesJsonText` can write exact integers.
 */
export function toTracesJsonSpan(span: SpanRecord): Record<string, unknown> {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    attributes[k] = typeof v === 'string' && (v.charCodeAt(0) === 123 || v.charCodeAt(0) === 91) && isJson(v) ? v : JSON.stringify(v);
  }
  return {
    trace_id: b64(span.trace_id),
    span_id: b64(span.span_id),
    parent_span_id: span.parent_span_id ? b64(span.parent_span_id) : null,
    name: span.name,
    start_time_unix_nano: BigInt(span.start_time_ns),
    end_time_unix_nano: span.end_time_ns === null ? null : BigInt(span.end_time_ns),
    status: { code: STATUS_CODE[span.status], message: span.status_message },
    attributes,
    events: span.events.map((e) => ({ name: e.name, time_unix_nano: BigInt(e.timeUnixNano), attributes: e.attributes })),
  };
}

/** `{"spans":[…]}` with nanosecond bigints written as exact JSON integers. */
export function tracesJsonText(spans: SpanRecord[]): string {
  const marker = '\u0000bigint:';
  const text = JSON.stringify({ spans: spans.map(toTracesJsonSpan) }, (_k, v) => (typeof v === 'bigint' ? `${marker}${v}` : v));
  return text.replace(/"\\u0000bigint:(\d+)"/g, '$1');
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Spans stored for a trace, from the narrow rows only (no payload read). */
export async function countTraceSpans(store: Store, traceId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM spans WHERE trace_id = ${traceId}`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

