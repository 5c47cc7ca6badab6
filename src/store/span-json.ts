import type { NormalizedSpan } from '../server/otlp/normalize.js';
import type { Attributes, AttrValue } from '../server/otlp/otlp-types.js';
import type { SpanRecord } from './spans.js';

/** The stored payload of one span (everything not in the narrow row), as JSON text. */
export function spanPayloadJson(s: NormalizedSpan): string {
  const payload: Record<string, unknown> = { trace_id: s.traceId, span_id: s.spanId, kind: s.kind, status_message: s.statusMessage, attributes: s.attributes, events: s.events, links: s.links };
  if (s.derivedIo) payload.derived_io = 1;
  return JSON.stringify(payload);
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
    if (top && looksLikeJsonContainer(v)) {
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
    attributes[k] = typeof v === 'string' && looksLikeJsonContainer(v) && isJson(v) ? v : JSON.stringify(v);
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

function looksLikeJsonContainer(s: string): boolean {
  const c = s.charCodeAt(0);
  return c === 123 || c === 91;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
