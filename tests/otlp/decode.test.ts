import { describe, expect, test } from 'vitest';
import { decodeJsonRequest } from '../../src/server/otlp/decode-json.js';
import { decodeProtobufRequest as decodeWithWire } from '../../src/server/otlp/decode-protobuf.js';
import { OtlpDecodeError, type OtlpTraceRequest } from '../../src/server/otlp/otlp-types.js';
import { encodeJson, encodeProtobuf, fixture, makeSdkSpans } from './builders.js';
import { oracleDecode } from './oracle.js';

/** The decoded request without each span's byte range in the body (the JSON decoder has none). */
function decodeProtobufRequest(body: Buffer): OtlpTraceRequest {
  const req = decodeWithWire(body);
  for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) delete s.wire;
  return req;
}

const richTree = () =>
  makeSdkSpans({
    name: 'agent',
    attributes: { str: 'héllo ✓', int: 42, neg: -7, big: 2 ** 40, dbl: 0.25, bool: true, arr: ['a', 'b'], nums: [1, 2, 3] },
    children: [
      { name: 'tool', error: 'boom', event: { name: 'exception', attributes: { 'exception.message': 'boom', 'exception.type': 'Error' } } },
      { name: 'llm', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 10 } },
    ],
  });

describe('protobuf wire reader', () => {
  test.for(['otlp-openinference', 'otlp-genai'])('decodes the %s fixture exactly as protobufjs does', (name) => {
    const pb = fixture(`${name}.pb`);
    expect(decodeProtobufRequest(pb)).toEqual(oracleDecode(pb));
  });

  test.for(['otlp-openinference', 'otlp-genai'])('decodes the %s fixture to the same request as its OTLP/JSON twin', (name) => {
    expect(decodeProtobufRequest(fixture(`${name}.pb`))).toEqual(decodeJsonRequest(fixture(`${name}.json`).toString('utf8')));
  });

  test('decodes bytes from the official OTel encoder like protobufjs, events, errors and negative ints included', () => {
    const bytes = encodeProtobuf(richTree());
    const ours = decodeProtobufRequest(Buffer.from(bytes));
    expect(ours).toEqual(oracleDecode(bytes));
    const spans = ours.resourceSpans[0].scopeSpans[0].spans;
    expect(spans.find((s) => s.name === 'agent')!.attributes).toMatchObject({ neg: -7, big: 2 ** 40, str: 'héllo ✓', arr: ['a', 'b'] });
    expect(spans.find((s) => s.name === 'tool')!.status).toEqual({ code: 2, message: 'boom' });
  });

  test('keeps nanosecond times exact beyond 2^53', () => {
    const [span] = decodeProtobufRequest(fixture('otlp-genai.pb')).resourceSpans[0].scopeSpans[0].spans;
    expect(span.startTimeUnixNano).toBe('1768471260000000000');
    expect(span.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.parentSpanId).toBe('');
  });

  test('every truncation of a valid request either decodes or throws OtlpDecodeError, never anything else', () => {
    const pb = fixture('otlp-openinference.pb');
    for (let len = 0; len < pb.length; len++) {
      try {
        decodeProtobufRequest(pb.subarray(0, len));
      } catch (err) {
        expect(err).toBeInstanceOf(OtlpDecodeError);
      }
    }
  });

  test.for([
    ['text that is not protobuf', Buffer.from('\xff\xfe not a protobuf message', 'latin1')],
    ['a length running past the end', Buffer.from([0x0a, 0x7f, 0x01])],
    ['an unterminated varint', Buffer.from([0x08, 0xff, 0xff, 0xff])],
    ['field number zero', Buffer.from([0x00, 0x01])],
    ['wire type 7', Buffer.from([0x0f])],
  ] as const)('rejects %s with OtlpDecodeError', ([, bytes]) => {
    expect(() => decodeProtobufRequest(Buffer.from(bytes))).toThrow(OtlpDecodeError);
  });

  test('random garbage never crashes the reader', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      try {
        decodeProtobufRequest(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(OtlpDecodeError);
      }
    }
  });
});

describe('OTLP/JSON decoder', () => {
  test('decodes the official JSON encoder output to the same request as the protobuf encoder output', () => {
    const spans = richTree();
    const fromJson = decodeJsonRequest(Buffer.from(encodeJson(spans)).toString('utf8'));
    const fromPb = decodeProtobufRequest(Buffer.from(encodeProtobuf(spans)));
    expect(fromJson).toEqual(fromPb);
  });

  test('accepts snake_case keys, numeric int64 and base64 ids', () => {
    const body = {
      resource_spans: [{ scope_spans: [{ spans: [{
        trace_id: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64'),
        span_id: 'b7ad6b7169203301', name: 'x', start_time_unix_nano: 1000000, end_time_unix_nano: '2000000',
        attributes: [{ key: 'n', value: { int_value: 5 } }, { key: 's', value: { string_value: 'v' } }],
        status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
      }] }] }],
    };
    const span = decodeJsonRequest(JSON.stringify(body)).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', startTimeUnixNano: '1000000', endTimeUnixNano: '2000000', attributes: { n: 5, s: 'v' }, status: { code: 2, message: 'bad' } });
  });

  test.for(['{', '[]', '{"resourceSpans": 3}', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-5"}]}]}]}'])('rejects %s with OtlpDecodeError', (text) => {
    expect(() => decodeJsonRequest(text)).toThrow(OtlpDecodeError);
  });

  test('an attribute named __proto__ stays an ordinary attribute', () => {
    const body = { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] }] }] }] };
    const attrs = decodeJsonRequest(JSON.stringify(body)).resourceSpans[0].scopeSpans[0].spans[0].attributes;
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.keys(attrs)).toEqual(['__proto__']);
  });
});
