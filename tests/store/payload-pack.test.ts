import { describe, expect, test } from 'vitest';
import { withDerivedInputsOutputs } from '../../src/server/otlp/normalize.js';
import { prepareRequest } from '../../src/server/otlp/prepare.js';
import { payloadEntries, payloadJsonText, type StoredPayload } from '../../src/store/payload-pack.js';
import { encodeJson, encodeProtobuf, fixture, makeSdkSpans } from '../otlp/builders.js';

/** Two traces (one per resource) in one request, with GenAI and OpenInference attributes, an error event and unicode. */
function request() {
  const tree = (name: string) =>
    makeSdkSpans({
      name,
      attributes: { 'openinference.span.kind': 'AGENT', 'input.value': '{"q":"héllo ✓"}', 'output.value': 'done' },
      children: [
        { name: 'chat', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 12, 'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: 'x'.repeat(500) }]) } },
        { name: 'tool', error: 'boom', event: { name: 'exception', attributes: { 'exception.message': 'boom' } } },
      ],
    });
  const spans = [...tree('agent a'), ...tree('agent b')];
  return { pb: Buffer.from(encodeProtobuf(spans)), json: Buffer.from(encodeJson(spans)) };
}

/** Entries as getTraceSpans sees them: derived inputs/outputs added back, order by span id. */
const asRead = (entries: StoredPayload[]) =>
  entries
    .map((e) => ({ ...e, attributes: e.derived_io ? withDerivedInputsOutputs(e.attributes, e.events) : e.attributes, derived_io: undefined }))
    .sort((a, b) => (a.span_id < b.span_id ? -1 : 1));

describe('span payload rows', () => {
  test("protobuf spans are stored as the client's own bytes, compressed, and read back like the JSON-encoded request", () => {
    const { pb, json } = request();
    const pbGroups = prepareRequest(pb, 'protobuf', true).groups;
    const jsonGroups = prepareRequest(json, 'json', true).groups;
    expect(pbGroups).toHaveLength(2);
    const fromPb = pbGroups[0];
    expect(fromPb.payload).toBeInstanceOf(Uint8Array);
    // Compressed bytes of the raw Span messages: smaller than the request itself.
    expect((fromPb.payload as Uint8Array).byteLength).toBeLessThan(pb.length / 4);
    const pbEntries = payloadEntries(fromPb.payload!);
    expect(pbEntries).toHaveLength(3);
    pbGroups.forEach((g, i) => expect(asRead(payloadEntries(g.payload!))).toEqual(asRead(payloadEntries(jsonGroups[i].payload!))));
    const chat = pbEntries.find((e) => e.attributes['gen_ai.operation.name'] === 'chat')!;
    expect(chat.attributes).toMatchObject({ 'mlflow.spanType': 'CHAT_MODEL', 'mlflow.llm.model': 'gpt-4o-mini', 'mlflow.traceRequestId': chat.trace_id });
    // Sizes for mlflow.trace.sizeStats are the stored bytes of each span.
    expect(fromPb.spans.every((s) => s.payloadSize! > 50)).toBe(true);
  });

  test('a trace id limits decoding to that trace; SQL gets the same entries as JSON text', () => {
    const { pb } = request();
    const [group, other] = prepareRequest(pb, 'protobuf', true).groups;
    const mine = payloadEntries(group.payload!, group.spans[0].traceId);
    expect(mine.map((e) => e.span_id).sort()).toEqual(group.spans.map((s) => s.spanId).sort());
    expect(payloadEntries(group.payload!, other.spans[0].traceId)).toEqual([]);
    expect(JSON.parse(payloadJsonText(group.payload!))).toEqual(JSON.parse(JSON.stringify(payloadEntries(group.payload!))));
  });

  test('uncompressed (PostgreSQL) and compressed JSON rows read back the same', () => {
    const pb = fixture('otlp-genai.pb');
    const text = prepareRequest(pb, 'protobuf', false).groups[0].payload!;
    expect(typeof text).toBe('string');
    const json = prepareRequest(fixture('otlp-genai.json'), 'json', true).groups[0].payload!;
    expect(payloadEntries(text)).toEqual(payloadEntries(json));
    expect(payloadJsonText(text)).toBe(text);
  });
});
