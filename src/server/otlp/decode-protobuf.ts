import { emptySpan, OtlpDecodeError, setAttr, type Attributes, type AttrValue, type OtlpEvent, type OtlpLink, type OtlpResourceSpans, type OtlpScopeSpans, type OtlpSpan, type OtlpTraceRequest } from './otlp-types.js';
import { FIXED64, LEN, VARINT, WireReader } from './wire-reader.js';

/**
 * Decodes a binary ExportTraceServiceRequest in one pass. Field numbers are those of
 * opentelemetry-proto v1 (collector/trace/v1, trace/v1, common/v1, resource/v1); unknown fields
 * are skipped, as proto3 requires. Throws OtlpDecodeError on malformed input.
 */
/** Deepest AnyValue nesting accepted (real attribute values are a few levels deep). */
const MAX_VALUE_DEPTH = 128;

export function decodeProtobufRequest(body: Buffer): OtlpTraceRequest {
  const r = new WireReader(body);
  const resourceSpans: OtlpResourceSpans[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, LEN, 'resource_spans');
      resourceSpans.push(readResourceSpans(r.sub()));
    } else r.skip(w);
  }
  return { resourceSpans };
}

function readResourceSpans(r: WireReader): OtlpResourceSpans {
  const out: OtlpResourceSpans = { resource: {}, scopeSpans: [] };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) out.resource = readResource(r.sub());
    else if (f === 2 && w === LEN) out.scopeSpans.push(readScopeSpans(r.sub()));
    else r.skip(w);
  }
  return out;
}

function readResource(r: WireReader): Attributes {
  const attrs: Attributes = {};
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) readKeyValue(r.sub(), attrs);
    else r.skip(w);
  }
  return attrs;
}

function readScopeSpans(r: WireReader): OtlpScopeSpans {
  const out: OtlpScopeSpans = { scope: { name: '', version: '' }, spans: [] };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) out.scope = readScope(r.sub());
    else if (f === 2 && w === LEN) {
      const sub = r.sub();
      const wire: [number, number] = [sub.pos, sub.end];
      const span = readSpan(sub);
      span.wire = wire;
      out.spans.push(span);
    } else r.skip(w);
  }
  return out;
}

/**
 * Spans stored as a sequence of `Span` messages in field 2 (the wire form of ScopeSpans.spans; see
 * payload-pack.ts). With `traceIdHex`, only that trace's spans are decoded: the others are skipped
 * after reading their trace id.
 */
export function decodePackedSpans(buf: Buffer, traceIdHex?: string): OtlpSpan[] {
  const r = new WireReader(buf);
  const spans: OtlpSpan[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    if (f !== 2 || w !== LEN) {
      r.skip(w);
      continue;
    }
    const sub = r.sub();
    if (traceIdHex !== undefined && traceIdOf(new WireReader(buf, sub.pos, sub.end)) !== traceIdHex) continue;
    spans.push(readSpan(sub));
  }
  return spans;
}

function traceIdOf(r: WireReader): string {
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) return r.hex();
    r.skip(w);
  }
  return '';
}

function readScope(r: WireReader): { name: string; version: string } {
  const scope = { name: '', version: '' };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) scope.name = r.string();
    else if (f === 2 && w === LEN) scope.version = r.string();
    else r.skip(w);
  }
  return scope;
}

function readSpan(r: WireReader): OtlpSpan {
  const s = emptySpan();
  while (!r.done) {
    const [f, w] = r.tag();
    switch (f) {
      case 1: r.expect(w, LEN, 'Span.trace_id'); s.traceId = r.hex(); break;
      case 2: r.expect(w, LEN, 'Span.span_id'); s.spanId = r.hex(); break;
      case 3: r.expect(w, LEN, 'Span.trace_state'); s.traceState = r.string(); break;
      case 4: r.expect(w, LEN, 'Span.parent_span_id'); s.parentSpanId = r.hex(); break;
      case 5: r.expect(w, LEN, 'Span.name'); s.name = r.string(); break;
      case 6: r.expect(w, VARINT, 'Span.kind'); s.kind = r.uint32(); break;
      case 7: r.expect(w, FIXED64, 'Span.start_time_unix_nano'); s.startTimeUnixNano = r.fixed64String(); break;
      case 8: r.expect(w, FIXED64, 'Span.end_time_unix_nano'); s.endTimeUnixNano = r.fixed64String(); break;
      case 9: r.expect(w, LEN, 'Span.attributes'); readKeyValue(r.sub(), s.attributes); break;
      case 11: r.expect(w, LEN, 'Span.events'); s.events.push(readEvent(r.sub())); break;
      case 13: r.expect(w, LEN, 'Span.links'); s.links.push(readLink(r.sub())); break;
      case 15: r.expect(w, LEN, 'Span.status'); s.status = readStatus(r.sub()); break;
      default: r.skip(w);
    }
  }
  return s;
}

function readEvent(r: WireReader): OtlpEvent {
  const e: OtlpEvent = { name: '', timeUnixNano: '0', attributes: {} };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === FIXED64) e.timeUnixNano = r.fixed64String();
    else if (f === 2 && w === LEN) e.name = r.string();
    else if (f === 3 && w === LEN) readKeyValue(r.sub(), e.attributes);
    else r.skip(w);
  }
  return e;
}

function readLink(r: WireReader): OtlpLink {
  const l: OtlpLink = { traceId: '', spanId: '', traceState: '', attributes: {} };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) l.traceId = r.hex();
    else if (f === 2 && w === LEN) l.spanId = r.hex();
    else if (f === 3 && w === LEN) l.traceState = r.string();
    else if (f === 4 && w === LEN) readKeyValue(r.sub(), l.attributes);
    else r.skip(w);
  }
  return l;
}

function readStatus(r: WireReader): { code: number; message: string } {
  const st = { code: 0, message: '' };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 2 && w === LEN) st.message = r.string();
    else if (f === 3 && w === VARINT) st.code = r.uint32();
    else r.skip(w);
  }
  return st;
}

/** KeyValue { key = 1; value = 2 } added to `into` (a later duplicate key wins, as in the SDKs). */
function readKeyValue(r: WireReader, into: Record<string, AttrValue>, depth = 0): void {
  let key = '';
  let value: AttrValue = null;
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) key = r.string();
    else if (f === 2 && w === LEN) value = readAnyValue(r.sub(), depth + 1);
    else r.skip(w);
  }
  setAttr(into, key, value);
}

/** AnyValue oneof: 1 string, 2 bool, 3 int64, 4 double, 5 ArrayValue, 6 KeyValueList, 7 bytes. */
function readAnyValue(r: WireReader, depth: number): AttrValue {
  // Nesting is recursion: without a bound a few KB of nested arrays overflow the stack (a 500).
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`AnyValue nested more than ${MAX_VALUE_DEPTH} levels deep`);
  let value: AttrValue = null;
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) value = r.string();
    else if (f === 2 && w === VARINT) value = r.uint32() !== 0;
    else if (f === 3 && w === VARINT) value = r.int64();
    else if (f === 4 && w === FIXED64) value = r.double();
    else if (f === 5 && w === LEN) value = readArray(r.sub(), depth);
    else if (f === 6 && w === LEN) value = readKvList(r.sub(), depth);
    else if (f === 7 && w === LEN) value = r.base64();
    else r.skip(w);
  }
  return value;
}

function readArray(r: WireReader, depth: number): AttrValue[] {
  const values: AttrValue[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) values.push(readAnyValue(r.sub(), depth + 1));
    else r.skip(w);
  }
  return values;
}

function readKvList(r: WireReader, depth: number): { [key: string]: AttrValue } {
  const obj: { [key: string]: AttrValue } = {};
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === LEN) readKeyValue(r.sub(), obj, depth + 1);
    else r.skip(w);
  }
  return obj;
}
