/**
 * Traces as the MLflow REST API returns them (TraceInfoV3 + §4.6 OTel spans), reduced to what
 * evaluation reads. Attribute values are decoded to plain JS values.
 */
export interface TraceInfo {
  trace_id: string;
  request_time?: string;
  execution_duration?: string;
  state?: string;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
  assessments?: Assessment[];
}

export interface Assessment {
  assessment_id?: string;
  assessment_name: string;
  trace_id?: string;
  source?: { source_type: string; source_id?: string };
  feedback?: { value?: unknown; error?: { error_code?: string; error_message?: string } };
  expectation?: { value?: unknown };
  rationale?: string;
  metadata?: Record<string, string>;
  valid?: boolean;
}

export interface TraceSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  startNs: bigint;
  endNs?: bigint;
  attributes: Record<string, unknown>;
}

export interface Trace {
  info: TraceInfo;
  spans: TraceSpan[];
}

/** OTLP AnyValue in protobuf JSON; snake_case from MLflow, camelCase accepted too. */
type AnyValue = Record<string, unknown>;

/**
 * Decodes an AnyValue. MLflow stores every attribute JSON-encoded (`"\"CHAIN\""`), and servers
 * differ in whether they unwrap that, so a string that parses as JSON is parsed once more.
 *
 * @example
 * decodeAnyValue({ string_value: '{"x":1}' }); // { x: 1 }
 */
export function decodeAnyValue(v: AnyValue | undefined): unknown {
  if (!v || typeof v !== 'object') return v;
  const get = (snake: string, camel: string) => (snake in v ? v[snake] : v[camel]);
  const s = get('string_value', 'stringValue');
  if (typeof s === 'string') return maybeJson(s);
  const b = get('bool_value', 'boolValue');
  if (typeof b === 'boolean') return b;
  const i = get('int_value', 'intValue');
  if (i !== undefined) return Number(i);
  const d = get('double_value', 'doubleValue');
  if (d !== undefined) return Number(d);
  const arr = get('array_value', 'arrayValue') as { values?: AnyValue[] } | undefined;
  if (arr) return (arr.values ?? []).map(decodeAnyValue);
  const kv = get('kvlist_value', 'kvlistValue') as { values?: { key: string; value: AnyValue }[] } | undefined;
  if (kv) return Object.fromEntries((kv.values ?? []).map((e) => [e.key, decodeAnyValue(e.value)]));
  const bytes = get('bytes_value', 'bytesValue');
  if (typeof bytes === 'string') return bytes;
  return undefined;
}

function maybeJson(s: string): unknown {
  const t = s.trim();
  if (!/^[[{"]/.test(t)) return s;
  try {
    return JSON.parse(t);
  } catch {
    return s;
  }
}

const b64ToHex = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('hex') : undefined);

/**
 * Converts one span of a GetTrace/BatchGetTraces response (base64 ids, AnyValue attributes) into a
 * TraceSpan with hex ids and decoded attributes.
 *
 * @example
 * const spans = response.traces[0].spans.map(spanFromApi);
 */
export function spanFromApi(raw: Record<string, unknown>): TraceSpan {
  const attrs = (raw.attributes ?? []) as { key: string; value: AnyValue }[];
  const attributes = Array.isArray(attrs)
    ? Object.fromEntries(attrs.map((a) => [a.key, decodeAnyValue(a.value)]))
    : Object.fromEntries(Object.entries(attrs as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? maybeJson(v) : v]));
  const parent = (raw.parent_span_id ?? raw.parentSpanId) as string | undefined;
  const end = raw.end_time_unix_nano ?? raw.endTimeUnixNano;
  return {
    spanId: b64ToHex((raw.span_id ?? raw.spanId) as string) ?? '',
    parentSpanId: parent ? b64ToHex(parent) : undefined,
    name: String(raw.name ?? ''),
    startNs: BigInt(String(raw.start_time_unix_nano ?? raw.startTimeUnixNano ?? 0)),
    endNs: end === undefined || end === null ? undefined : BigInt(String(end)),
    attributes,
  };
}
