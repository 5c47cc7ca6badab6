import protobuf from 'protobufjs';

/**
 * An independent decoder for tests: protobufjs with our own minimal schema (OTLP field numbers per
 * opentelemetry-proto v1), producing the same hex-id / decimal-string shape as our decoders.
 */
const SCHEMA = `
syntax = "proto3";
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message Scope { string name = 1; string version = 2; }
message Status { string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; }
message Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9; repeated Event events = 11;
  repeated Link links = 13; Status status = 15; }
message ScopeSpans { Scope scope = 1; repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const Request = root.lookupType('ExportTraceServiceRequest');

type Obj = Record<string, any>;

export function oracleDecode(bytes: Uint8Array) {
  const o = Request.toObject(Request.decode(bytes), { longs: String, bytes: String, defaults: true, oneofs: true }) as Obj;
  const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
  const any = (v: Obj | undefined): unknown => {
    if (!v || !v.value) return null;
    const x = v[v.value];
    switch (v.value) {
      case 'int_value': {
        const n = Number(x);
        return Number.isSafeInteger(n) ? n : String(x);
      }
      case 'array_value': return (x.values ?? []).map(any);
      case 'kvlist_value': return attrs(x.values);
      default: return x;
    }
  };
  const attrs = (kvs: Obj[] = []) => Object.fromEntries(kvs.map((kv) => [kv.key, any(kv.value)]));
  return {
    resourceSpans: o.resource_spans.map((rs: Obj) => ({
      resource: attrs(rs.resource?.attributes),
      scopeSpans: rs.scope_spans.map((ss: Obj) => ({
        scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
        spans: ss.spans.map((s: Obj) => ({
          traceId: hex(s.trace_id), spanId: hex(s.span_id), parentSpanId: hex(s.parent_span_id), traceState: s.trace_state,
          name: s.name, kind: s.kind, startTimeUnixNano: s.start_time_unix_nano, endTimeUnixNano: s.end_time_unix_nano,
          attributes: attrs(s.attributes),
          events: s.events.map((e: Obj) => ({ name: e.name, timeUnixNano: e.time_unix_nano, attributes: attrs(e.attributes) })),
          links: s.links.map((l: Obj) => ({ traceId: hex(l.trace_id), spanId: hex(l.span_id), traceState: l.trace_state, attributes: attrs(l.attributes) })),
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
        })),
      })),
    })),
  };
}

/** Encodes a request given in protobufjs object form (snake_case, bytes as Buffers). */
export function oracleEncode(request: Obj): Uint8Array {
  return Request.encode(Request.fromObject(request)).finish();
}

const Response = root.lookupType('ExportTraceServiceResponse');
export function oracleDecodeResponse(bytes: Uint8Array): Obj {
  return Response.toObject(Response.decode(bytes), { longs: Number });
}
