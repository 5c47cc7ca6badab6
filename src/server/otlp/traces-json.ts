import { normalizeSpan, type NormalizedSpan } from './normalize.js';
import { emptySpan, OtlpDecodeError, setAttr, type Attributes, type AttrValue } from './otlp-types.js';

const STATUS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2, STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/**
 * Spans of an uploaded traces.json (`{"spans":[…]}`, mlflow-protocol.md §4.5/§4.9) → NormalizedSpan,
 * ready for ingestSpans. Accepts the Python writer (every attribute value JSON-encoded, STATUS_CODE_*,
 * null parent) and the TypeScript SDK (raw values, OK/ERROR, "" parent). Ids may be base64 or hex.
 * Parse the file with a BigInt-safe reader if exact nanoseconds matter; numbers are accepted too.
 */
export function normalizeTracesJson(doc: unknown): NormalizedSpan[] {
  const spans = (doc as { spans?: unknown })?.spans;
  if (!Array.isArray(spans)) throw new OtlpDecodeError('traces.json must be an object with a "spans" array');
  return spans.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) throw new OtlpDecodeError(`traces.json span ${i} is not an object`);
    const r = raw as Record<string, unknown>;
    const s = emptySpan();
    s.traceId = id(r.trace_id, 16);
    s.spanId = id(r.span_id, 8);
    s.parentSpanId = id(r.parent_span_id, 8);
    s.name = typeof r.name === 'string' ? r.name : '';
    s.startTimeUnixNano = ns(r.start_time_unix_nano);
    s.endTimeUnixNano = ns(r.end_time_unix_nano);
    const status = (r.status ?? {}) as { code?: unknown; message?: unknown };
    s.status = { code: typeof status.code === 'number' ? status.code : (STATUS[String(status.code ?? '')] ?? 0), message: typeof status.message === 'string' ? status.message : '' };
    s.attributes = decodeAttributes(r.attributes);
    s.events = (Array.isArray(r.events) ? r.events : []).map((e: Record<string, unknown>) => ({
      name: typeof e?.name === 'string' ? e.name : '',
      timeUnixNano: ns(e?.time_unix_nano),
      attributes: (typeof e?.attributes === 'object' && e.attributes !== null ? e.attributes : {}) as Attributes,
    }));
    const span = normalizeSpan(s);
    // MLflow's own trace id wins over "tr-" + hex(otel id): V2 traces used other request ids.
    const requestId = s.attributes['mlflow.traceRequestId'];
    if (typeof requestId === 'string' && requestId) span.traceId = requestId;
    return span;
  });
}

/** Python writes every value JSON-encoded; the TS SDK writes raw values. Decode the former, keep the latter. */
function decodeAttributes(raw: unknown): Attributes {
  const out: Attributes = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [k, v] of Object.entries(raw as Record<string, AttrValue>)) {
    let value: AttrValue = v;
    if (typeof v === 'string') {
      try {
        value = JSON.parse(v) as AttrValue;
      } catch {
        value = v;
      }
    }
    setAttr(out, k, value);
  }
  return out;
}

function id(v: unknown, bytes: number): string {
  if (typeof v !== 'string' || v === '') return '';
  if (v.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(v)) return v.toLowerCase();
  return Buffer.from(v, 'base64').toString('hex');
}

function ns(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.trunc(v)).toString();
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  return '0';
}
