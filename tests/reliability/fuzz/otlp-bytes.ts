import { gzipSync } from 'node:zlib';
import type { Rng } from './rng.js';
import { damageText, mutateBody, weirdValue, type FuzzCase } from './values.js';

/** Minimal protobuf writer, so the corpus can say exactly which bytes are wrong. */
export const pb = {
  varint(n: number | bigint): number[] {
    let v = BigInt.asUintN(64, BigInt(n));
    const out: number[] = [];
    while (v > 0x7fn) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return out;
  },
  tag: (field: number, wire: number) => pb.varint((field << 3) | wire),
  bytes: (field: number, data: ArrayLike<number>) => [...pb.tag(field, 2), ...pb.varint(data.length), ...Array.from(data)],
  str: (field: number, s: string) => pb.bytes(field, Buffer.from(s, 'utf8')),
  fixed64(field: number, n: bigint): number[] {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt.asUintN(64, n));
    return [...pb.tag(field, 1), ...b];
  },
  uint(field: number, n: number | bigint) {
    return [...pb.tag(field, 0), ...pb.varint(n)];
  },
};

/** AnyValue nested `depth` levels deep through kvlist (6) or array (5) values; built inside out in linear time. */
export function deepAnyValue(depth: number, viaArray: boolean): Uint8Array {
  const leaf = Buffer.from(pb.str(1, 'leaf'));
  const prefixes: Buffer[] = [];
  let len = leaf.length;
  for (let i = 0; i < depth; i++) {
    // array: AnyValue{5: ArrayValue{1: inner}}; kvlist: AnyValue{6: KeyValueList{1: KeyValue{1: key, 2: inner}}}
    const key = viaArray ? [] : pb.str(1, `k${i}`);
    const kvOrInner = viaArray ? [] : [...pb.tag(1, 2), ...pb.varint(key.length + 1 + pb.varint(len).length + len), ...key];
    const valueTag = viaArray ? [...pb.tag(1, 2), ...pb.varint(len)] : [...pb.tag(2, 2), ...pb.varint(len)];
    const innerLen = kvOrInner.length + valueTag.length + len;
    const head = Buffer.from([...pb.tag(viaArray ? 5 : 6, 2), ...pb.varint(innerLen), ...kvOrInner, ...valueTag]);
    prefixes.push(head);
    len = head.length + len;
  }
  return Buffer.concat([...prefixes.reverse(), leaf]);
}

export interface SpanFields {
  traceId?: ArrayLike<number>;
  spanId?: ArrayLike<number>;
  parent?: ArrayLike<number>;
  name?: string | number[];
  start?: bigint;
  end?: bigint;
  attrs?: number[][];
  status?: number;
  kind?: number;
}

/** ExportTraceServiceRequest{ResourceSpans{Resource, ScopeSpans{Scope, Span…}}} from span fields. */
export function request(spans: SpanFields[], resourceAttrs: number[][] = [[...pb.str(1, 'service.name'), ...pb.bytes(2, pb.str(1, 'fuzz'))]]): Uint8Array {
  const span = (s: SpanFields) => [
    ...pb.bytes(1, s.traceId ?? Buffer.alloc(16, 7)),
    ...pb.bytes(2, s.spanId ?? Buffer.alloc(8, 9)),
    ...(s.parent ? pb.bytes(4, s.parent) : []),
    ...(Array.isArray(s.name) ? pb.bytes(5, s.name) : pb.str(5, s.name ?? 'span')),
    ...(s.kind !== undefined ? pb.uint(6, s.kind) : []),
    ...pb.fixed64(7, s.start ?? 1_780_000_000_000_000_000n),
    ...pb.fixed64(8, s.end ?? 1_780_000_000_500_000_000n),
    ...(s.attrs ?? []).flatMap((kv) => pb.bytes(9, kv)),
    ...(s.status !== undefined ? pb.bytes(15, pb.uint(3, s.status)) : []),
  ];
  const resource = pb.bytes(1, resourceAttrs.flatMap((kv) => pb.bytes(1, kv)));
  const scopeSpans = pb.bytes(2, [...pb.bytes(1, pb.str(1, 'fuzz-scope')), ...spans.flatMap((s) => pb.bytes(2, span(s)))]);
  return Uint8Array.from(pb.bytes(1, [...resource, ...scopeSpans]));
}

const kv = (key: string, value: ArrayLike<number>) => [...pb.str(1, key), ...pb.bytes(2, value)];

/** Hand-written protobuf cases: each names the contract it breaks. */
export function handWrittenProtobuf(): [string, Uint8Array][] {
  const huge = [0x0a, ...pb.varint(2 ** 62)];
  return [
    ['empty body', new Uint8Array()],
    ['no resourceSpans', Uint8Array.from(pb.str(99, 'unknown field'))],
    ['length larger than body', Uint8Array.from([0x0a, 0x10, 0x01, 0x02])],
    ['length 2^62', Uint8Array.from([...huge, 1, 2, 3])],
    ['unterminated varint', Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ['field number 0', Uint8Array.from([0x02, 0x00])],
    ['wire type 3 (start group)', Uint8Array.from([0x0b, 0x0c])],
    ['wire type 7', Uint8Array.from([0x0f, 0x01])],
    ['resourceSpans as varint', Uint8Array.from([0x08, 0x01])],
    ['resourceSpans as fixed32', Uint8Array.from([0x0d, 1, 2, 3, 4])],
    ['trace id of 3 bytes', request([{ traceId: [1, 2, 3] }])],
    ['trace id of 0 bytes', request([{ traceId: [] }])],
    ['trace id all zero', request([{ traceId: Buffer.alloc(16) }])],
    ['trace id of 32 bytes', request([{ traceId: Buffer.alloc(32, 1) }])],
    ['span id of 0 bytes', request([{ spanId: [] }])],
    ['span id of 16 bytes', request([{ spanId: Buffer.alloc(16, 2) }])],
    ['parent id of 3 bytes', request([{ parent: [1, 2, 3] }])],
    ['span is its own parent', request([{ parent: Buffer.alloc(8, 9) }])],
    ['start time 0', request([{ start: 0n, end: 0n }])],
    ['end before start', request([{ start: 1_780_000_000_500_000_000n, end: 1_780_000_000_000_000_000n }])],
    ['times at 2^64-1', request([{ start: 2n ** 64n - 1n, end: 2n ** 64n - 1n }])],
    ['times at 2^63', request([{ start: 2n ** 63n, end: 2n ** 63n + 1n }])],
    ['invalid UTF-8 name', request([{ name: [0xff, 0xfe, 0xc0, 0xaf] }])],
    ['empty name', request([{ name: '' }])],
    ['name of 1 MB', request([{ name: 'n'.repeat(1 << 20) }])],
    ['status code 99', request([{ status: 99 }])],
    ['kind 2^40', request([{ kind: 2 ** 40 }])],
    ['attribute value nested 1,000 deep (kvlist)', request([{ attrs: [kv('deep', deepAnyValue(1000, false))] }])],
    ['attribute value nested 1,000 deep (array)', request([{ attrs: [kv('deep', deepAnyValue(1000, true))] }])],
    ['attribute value nested 20,000 deep', request([{ attrs: [kv('deep', deepAnyValue(20_000, true))] }])],
    ['attribute with no value', request([{ attrs: [pb.str(1, 'k')] }])],
    ['attribute with empty key', request([{ attrs: [kv('', pb.str(1, 'v'))] }])],
    ['10,000 attributes', request([{ attrs: Array.from({ length: 10_000 }, (_, i) => kv(`a${i}`, pb.uint(3, i))) }])],
    ['bytes value of 256 KB', request([{ attrs: [kv('blob', pb.bytes(7, Buffer.alloc(256 * 1024, 0xab)))] }])],
    ['double NaN and Inf', request([{ attrs: [kv('nan', [0x21, ...Buffer.from(new Float64Array([NaN]).buffer)]), kv('inf', [0x21, ...Buffer.from(new Float64Array([-Infinity]).buffer)])] }])],
    ['int value -2^63', request([{ attrs: [kv('i', pb.uint(3, -(2n ** 63n)))] }])],
    ['mlflow.spanInputs not JSON', request([{ attrs: [kv('mlflow.spanInputs', pb.str(1, '{"unclosed'))] }])],
    ['mlflow.chat.tokenUsage wrong types', request([{ attrs: [kv('mlflow.chat.tokenUsage', pb.str(1, '{"input_tokens":"many","output_tokens":-1e308}'))] }])],
    ['gen_ai usage as strings', request([{ attrs: [kv('gen_ai.usage.input_tokens', pb.str(1, 'lots')), kv('gen_ai.request.model', pb.uint(3, 5))] }])],
    ['mlflow.traceRequestId of another trace', request([{ attrs: [kv('mlflow.traceRequestId', pb.str(1, '"tr-ffffffffffffffffffffffffffffffff"'))] }])],
    ['5,000 spans of one trace', request(Array.from({ length: 5000 }, (_, i) => ({ spanId: Buffer.from(i.toString(16).padStart(16, '0'), 'hex'), parent: i ? Buffer.alloc(8, 0) : undefined })))],
    ['duplicate span ids in one request', request([{}, {}, {}])],
  ];
}

/** Generated protobuf damage: truncation, byte flips, insertions, random bytes, spliced halves. */
export function damagedProtobuf(rng: Rng, valid: Uint8Array): Uint8Array {
  const b = Buffer.from(valid);
  switch (rng.int(0, 5)) {
    case 0: return b.subarray(0, rng.int(0, b.length - 1));
    case 1: {
      for (let i = rng.int(1, 8); i > 0; i--) b[rng.int(0, b.length - 1)] = rng.int(0, 255);
      return b;
    }
    case 2: {
      const at = rng.int(0, b.length);
      return Buffer.concat([b.subarray(0, at), rng.bytes(rng.int(1, 16)), b.subarray(at)]);
    }
    case 3: return rng.bytes(rng.int(1, 2048));
    case 4: {
      // Wrong wire type on a random tag-looking byte.
      const at = rng.int(0, b.length - 1);
      b[at] = (b[at] & ~7) | rng.pick([0, 1, 2, 3, 4, 5, 6, 7]);
      return b;
    }
    default: {
      const at = rng.int(0, b.length);
      return Buffer.concat([b.subarray(at), b.subarray(0, at)]);
    }
  }
}

const OTLP_HEADERS = ['0', '', 'abc', '-1', '99999999999999999999', '0 OR 1=1', '名前', '1e3', ' 0 ', '0x0', '999999'];

/** All OTLP cases: hand-written protobuf, generated damage to valid protobuf and JSON, header and encoding abuse. */
export function otlpCases(rng: Rng, validPb: Uint8Array, validJson: string, expId: string, generated: number): FuzzCase[] {
  const pbHeaders = (exp = expId) => ({ 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp });
  const jsonHeaders = { 'content-type': 'application/json', 'x-mlflow-experiment-id': expId };
  const cases: FuzzCase[] = handWrittenProtobuf().map(([label, body]) => ({ label: `otlp pb: ${label}`, method: 'POST', path: '/v1/traces', headers: pbHeaders(), body }));
  const json = JSON.parse(validJson) as Record<string, unknown>;
  const handJson: [string, string][] = [
    ['empty object', '{}'],
    ['resourceSpans null', '{"resourceSpans":null}'],
    ['resourceSpans object', '{"resourceSpans":{}}'],
    ['resourceSpans string', '{"resourceSpans":"x"}'],
    ['array body', '[]'],
    ['number body', '1'],
    ['not JSON', 'hello'],
    ['hex id with odd length', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'abc', spanId: '0102030405060708', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] })],
    ['non-hex id', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'z'.repeat(32), spanId: 'y'.repeat(16), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] })],
    ['base64 ids', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'CvdlGRbNQ92ESOshHIAxnA==', spanId: 'ALxLYYq3Rhw=', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] })],
    ['times as text', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'x', startTimeUnixNano: 'soon', endTimeUnixNano: -5 }] }] }] })],
    ['times as 1e400', `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'ab'.repeat(16)}","spanId":"${'cd'.repeat(8)}","name":"x","startTimeUnixNano":1e400,"endTimeUnixNano":1e400}]}]}]}`],
    ['intValue beyond int64', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [{ key: 'i', value: { intValue: '999999999999999999999999' } }] }] }] }] })],
    ['attributes as object', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: { a: 1 } }] }] }] })],
    ['kvlist nested 5,000 deep', `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'ab'.repeat(16)}","spanId":"${'cd'.repeat(8)}","name":"x","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"d","value":${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(5000)}{"stringValue":"x"}${'}]}}'.repeat(5000)}}]}]}]}]}`],
    ['JSON nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['null span', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [null, 1, 'x'] }] }] })],
    ['status code as text', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2', status: { code: 'BOOM' } }] }] }] })],
  ];
  for (const [label, body] of handJson) cases.push({ label: `otlp json: ${label}`, method: 'POST', path: '/v1/traces', headers: jsonHeaders, body });
  for (const exp of OTLP_HEADERS) cases.push({ label: `otlp experiment header '${exp}'`, method: 'POST', path: '/v1/traces', headers: pbHeaders(exp), body: validPb });
  const odd: [string, Record<string, string>, Uint8Array | string][] = [
    ['gzip garbage', { ...pbHeaders(), 'content-encoding': 'gzip' }, Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3])],
    ['deflate garbage', { ...pbHeaders(), 'content-encoding': 'deflate' }, Uint8Array.from([1, 2, 3, 4])],
    ['unknown encoding', { ...pbHeaders(), 'content-encoding': 'br' }, validPb],
    ['gzip of damaged protobuf', { ...pbHeaders(), 'content-encoding': 'gzip' }, gzipSync(damagedProtobuf(rng, validPb))],
    ['gzip bomb', { ...pbHeaders(), 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(80 * 1024 * 1024))],
    ['no content type', { 'x-mlflow-experiment-id': expId }, validPb],
    ['text/plain', { 'content-type': 'text/plain', 'x-mlflow-experiment-id': expId }, validPb],
    ['protobuf body as JSON', jsonHeaders, validPb],
    ['JSON body as protobuf', pbHeaders(), validJson],
  ];
  for (const [label, headers, body] of odd) cases.push({ label: `otlp: ${label}`, method: 'POST', path: '/v1/traces', headers, body });
  for (let i = 0; i < generated; i++) {
    if (rng.chance(0.55)) cases.push({ label: 'otlp pb: generated damage', method: 'POST', path: '/v1/traces', headers: pbHeaders(), body: damagedProtobuf(rng, validPb) });
    else if (rng.chance(0.3)) cases.push({ label: 'otlp json: damaged text', method: 'POST', path: '/v1/traces', headers: jsonHeaders, body: damageText(rng, validJson) });
    else cases.push({ label: 'otlp json: mutated', method: 'POST', path: '/v1/traces', headers: jsonHeaders, body: JSON.stringify(mutateBody(rng, json)) ?? String(weirdValue(rng)) });
  }
  return cases;
}
