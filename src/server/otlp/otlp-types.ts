/**
 * Hand-written shapes of a decoded ExportTraceServiceRequest (opentelemetry-proto trace/v1), the
 * common output of decode-protobuf.ts and decode-json.ts. Ids are lowercase hex, times are exact
 * decimal nanosecond strings, attribute values are plain JS values (AnyValue decoded).
 */

/** A decoded AnyValue. kvlist → object, array → array, bytes → base64 string, int64 → number (string past 2^53). */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

export interface OtlpEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
}

/** OTLP status codes: 0 unset, 1 ok, 2 error. */
export interface OtlpStatus {
  code: number;
  message: string;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span (JSON leaves it out, protobuf sends empty bytes). */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP kind = API SpanKind + 1 (INTERNAL=1, SERVER=2, CLIENT=3, PRODUCER=4, CONSUMER=5). */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  status: OtlpStatus;
  /** Protobuf only: where the Span message lies in the request body (stored as is, payload-pack.ts). */
  wire?: [number, number];
}

export interface OtlpScopeSpans {
  scope: { name: string; version: string };
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: Attributes;
  scopeSpans: OtlpScopeSpans[];
}

export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** The body could not be decoded as the declared encoding; the route answers 400 with this message. */
export class OtlpDecodeError extends Error {}

export function emptySpan(): OtlpSpan {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
  };
}

/** Assigns an attribute; a key named "__proto__" becomes an own property instead of a prototype change. */
export function setAttr(into: Record<string, AttrValue>, key: string, value: AttrValue): void {
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
}
