import { emptySpan, OtlpDecodeError, setAttr, type Attributes, type AttrValue, type OtlpEvent, type OtlpLink, type OtlpResourceSpans, type OtlpSpan, type OtlpTraceRequest } from './otlp-types.js';

type Json = Record<string, unknown>;

/**
 * Decodes OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase
 * keys (snake_case accepted too), ids as hex (base64 accepted when it decodes to a valid length),
 * int64 as decimal strings or numbers, enums as integers (names accepted for status codes).
 */
export function decodeJsonRequest(text: string): OtlpTraceRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`Invalid OTLP/JSON: ${(err as Error).message}`);
  }
  if (!isObj(body)) throw new OtlpDecodeError('Invalid OTLP/JSON: the body must be an ExportTraceServiceRequest object');
  return { resourceSpans: list(body, 'resourceSpans', 'resource_spans').map(readResourceSpans) };
}

function readResourceSpans(rs: unknown): OtlpResourceSpans {
  if (!isObj(rs)) throw new OtlpDecodeError('Invalid OTLP/JSON: resourceSpans entries must be objects');
  const resource = isObj(rs.resource) ? readAttributes(rs.resource.attributes) : {};
  const scopeSpans = list(rs, 'scopeSpans', 'scope_spans').map((ss) => {
    if (!isObj(ss)) throw new OtlpDecodeError('Invalid OTLP/JSON: scopeSpans entries must be objects');
    const scope = isObj(ss.scope) ? { name: str(ss.scope.name), version: str(ss.scope.version) } : { name: '', version: '' };
    return { scope, spans: list(ss, 'spans', 'spans').map(readSpan) };
  });
  return { resource, scopeSpans };
}

function readSpan(raw: unknown): OtlpSpan {
  if (!isObj(raw)) throw new OtlpDecodeError('Invalid OTLP/JSON: spans must be objects');
  const s = emptySpan();
  s.traceId = id(pick(raw, 'traceId', 'trace_id'), 16);
  s.spanId = id(pick(raw, 'spanId', 'span_id'), 8);
  s.parentSpanId = id(pick(raw, 'parentSpanId', 'parent_span_id'), 8);
  s.traceState = str(pick(raw, 'traceState', 'trace_state'));
  s.name = str(raw.name);
  s.kind = enumInt(raw.kind, KINDS);
  s.startTimeUnixNano = int64String(pick(raw, 'startTimeUnixNano', 'start_time_unix_nano'));
  s.endTimeUnixNano = int64String(pick(raw, 'endTimeUnixNano', 'end_time_unix_nano'));
  s.attributes = readAttributes(raw.attributes);
  s.events = (Array.isArray(raw.events) ? raw.events : []).filter(isObj).map(readEvent);
  s.links = (Array.isArray(raw.links) ? raw.links : []).filter(isObj).map(readLink);
  if (isObj(raw.status)) s.status = { code: enumInt(raw.status.code, STATUS_CODES), message: str(raw.status.message) };
  return s;
}

const KINDS: Record<string, number> = { SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5 };
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function readEvent(e: Json): OtlpEvent {
  return { name: str(e.name), timeUnixNano: int64String(pick(e, 'timeUnixNano', 'time_unix_nano')), attributes: readAttributes(e.attributes) };
}

function readLink(l: Json): OtlpLink {
  return {
    traceId: id(pick(l, 'traceId', 'trace_id'), 16),
    spanId: id(pick(l, 'spanId', 'span_id'), 8),
    traceState: str(pick(l, 'traceState', 'trace_state')),
    attributes: readAttributes(l.attributes),
  };
}

/** Deepest AnyValue nesting accepted: the decoder recurses, and real values are a few levels deep. */
const MAX_VALUE_DEPTH = 128;

function readAttributes(kvs: unknown, depth = 0): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(kvs)) return out;
  for (const kv of kvs) if (isObj(kv) && typeof kv.key === 'string') setAttr(out, kv.key, anyValue(kv.value, depth + 1));
  return out;
}

function anyValue(v: unknown, depth = 0): AttrValue {
  if (!isObj(v)) return null;
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`Invalid OTLP/JSON: AnyValue nested more than ${MAX_VALUE_DEPTH} levels deep`);
  for (const [k, x] of Object.entries(v)) {
    switch (k) {
      case 'stringValue': case 'string_value': return str(x);
      case 'boolValue': case 'bool_value': return x === true || x === 'true';
      case 'intValue': case 'int_value': return intValue(x);
      case 'doubleValue': case 'double_value': return typeof x === 'number' ? x : Number(x);
      case 'bytesValue': case 'bytes_value': return str(x);
      case 'arrayValue': case 'array_value': return isObj(x) && Array.isArray(x.values) ? x.values.map((y) => anyValue(y, depth + 1)) : [];
      case 'kvlistValue': case 'kvlist_value': return isObj(x) ? readAttributes(x.values, depth) : {};
    }
  }
  return null;
}

function intValue(x: unknown): number | string {
  if (typeof x === 'number') return x;
  const s = str(x);
  if (!/^-?\d+$/.test(s)) throw new OtlpDecodeError(`Invalid OTLP/JSON: intValue '${s}' is not an integer`);
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

/** fixed64 times: decimal string or number; kept as an exact decimal string. */
function int64String(x: unknown): string {
  if (x === undefined || x === null) return '0';
  if (typeof x === 'number' && Number.isFinite(x) && x >= 0) return BigInt(Math.trunc(x)).toString();
  if (typeof x === 'string' && /^\d+$/.test(x)) return x.replace(/^0+(?=\d)/, '');
  throw new OtlpDecodeError(`Invalid OTLP/JSON: time '${String(x)}' is not an unsigned integer of nanoseconds`);
}

const HEX = /^[0-9a-fA-F]*$/;

/** OTLP/JSON ids are hex; proto3-JSON writers send base64, which we accept when it decodes to the right length. */
function id(x: unknown, bytes: number): string {
  if (typeof x !== 'string' || x === '') return '';
  if (HEX.test(x) && x.length % 2 === 0) return x.toLowerCase();
  const b = Buffer.from(x, 'base64');
  if (b.length === bytes) return b.toString('hex');
  return x; // left as is: the validator rejects it with an "id of wrong length/format" message
}

function enumInt(x: unknown, names: Record<string, number>): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') return names[x] ?? (Number.isFinite(Number(x)) ? Number(x) : 0);
  return 0;
}

function list(o: Json, camel: string, snake: string): unknown[] {
  const v = pick(o, camel, snake);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`Invalid OTLP/JSON: ${camel} must be an array`);
  return v;
}

function pick(o: Json, camel: string, snake: string): unknown {
  return o[camel] !== undefined ? o[camel] : o[snake];
}

function str(x: unknown): string {
  return typeof x === 'string' ? x : x === undefined || x === null ? '' : String(x);
}

function isObj(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
