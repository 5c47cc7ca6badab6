import { describe, expect, test } from 'vitest';
import { costOf, priceOf } from '../../src/server/otlp/cost-table.js';
import { decodeJsonRequest } from '../../src/server/otlp/decode-json.js';
import { decodeProtobufRequest } from '../../src/server/otlp/decode-protobuf.js';
import { normalizeRequest, normalizeSpan, type NormalizedSpan } from '../../src/server/otlp/normalize.js';
import { emptySpan, type Attributes, type OtlpEvent } from '../../src/server/otlp/otlp-types.js';
import { fixture } from './builders.js';

const spansOf = (req: ReturnType<typeof decodeJsonRequest>) => normalizeRequest(req).groups.flatMap((g) => g.spans);
const byName = (spans: NormalizedSpan[], name: string) => spans.find((s) => s.name === name)!;

/** A valid OTLP span with defaults; override what the test is about. */
function makeSpan(over: Partial<ReturnType<typeof emptySpan>> = {}, attributes: Attributes = {}, events: OtlpEvent[] = []) {
  return { ...emptySpan(), traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203301', name: 's', startTimeUnixNano: '1768471200000000000', endTimeUnixNano: '1768471201000000000', attributes, events, ...over };
}

describe('(a) OpenInference fixture', () => {
  const spans = spansOf(decodeProtobufRequest(fixture('otlp-openinference.pb')));

  test('maps span kinds to MLflow span types and keeps every original attribute', () => {
    expect(spans.map((s) => [s.name, s.spanType])).toEqual([['rag-pipeline', 'CHAIN'], ['retrieve', 'RETRIEVER'], ['llm', 'LLM']]);
    expect(byName(spans, 'rag-pipeline').attributes).toMatchObject({ 'openinference.span.kind': 'CHAIN', 'tag.tags': ['fixture', 'rag'], 'mlflow.spanType': 'CHAIN' });
  });

  test('the root span carries inputs, outputs, session and user', () => {
    expect(byName(spans, 'rag-pipeline')).toMatchObject({ inputs: 'How long is the refund window?', outputs: 'You can request a refund within 30 days of delivery.', session: 'fixture-session-1', user: 'fixture-user', parentSpanId: null, status: 'OK' });
  });

  test('retrieval documents become MLflow documents with the score in metadata', () => {
    expect(byName(spans, 'retrieve').outputs).toEqual([
      { page_content: 'Refunds are accepted within 30 days of delivery.', metadata: { source: 'kb', score: 0.92 }, id: 'kb-refunds-1' },
      { page_content: 'Orders ship within 2 business days.', metadata: { source: 'kb', score: 0.41 }, id: 'kb-shipping-4' },
    ]);
  });

  test('the LLM span gets model, provider, token usage, cost and the MLflow attributes', () => {
    const llm = byName(spans, 'llm');
    expect(llm.inputs).toEqual({ messages: [{ role: 'system', content: 'Answer with the context.\nRefunds are accepted within 30 days of delivery.' }, { role: 'user', content: 'How long is the refund window?' }] });
    expect(llm.attributes).toMatchObject({
      'mlflow.llm.model': 'gpt-4o-mini',
      'mlflow.llm.provider': 'openai',
      'mlflow.chat.tokenUsage': { input_tokens: 120, output_tokens: 24, total_tokens: 144 },
      'mlflow.llm.cost': { input_cost: 1.8e-5, output_cost: 1.44e-5, total_cost: 3.24e-5 },
      'mlflow.traceRequestId': 'tr-0af7651916cd43dd8448eb211c80319c',
    });
  });
});

describe('(b) GenAI fixture', () => {
  const spans = spansOf(decodeProtobufRequest(fixture('otlp-genai.pb')));

  test('invoke_agent is AGENT and chat is CHAT_MODEL, priced with the response model', () => {
    expect(byName(spans, 'invoke_agent support-bot')).toMatchObject({ spanType: 'AGENT', provider: 'openai' });
    const chat = byName(spans, 'chat gpt-4o-mini');
    expect(chat).toMatchObject({ spanType: 'CHAT_MODEL', model: 'gpt-4o-mini-2024-07-18', usage: { input_tokens: 58, output_tokens: 21, total_tokens: 79 }, cost: { input_cost: 8.7e-6, output_cost: 1.26e-5, total_cost: 2.13e-5 } });
    expect(chat.inputs).toEqual([{ role: 'system', parts: [{ type: 'text', content: 'You are a support assistant.' }] }, { role: 'user', parts: [{ type: 'text', content: 'Where is my order #1234?' }] }]);
  });

  test('UNSET status stays UNSET on the span', () => {
    expect(spans.every((s) => s.status === 'UNSET')).toBe(true);
  });
});

describe('(c) OTLP/JSON error span fixture', () => {
  const [span] = spansOf(decodeJsonRequest(fixture('otlp-json-error-span.json').toString('utf8')));

  test('is a TOOL span in ERROR with its exception event and JSON inputs parsed', () => {
    expect(span).toMatchObject({ spanType: 'TOOL', status: 'ERROR', statusMessage: 'upstream weather API timed out', inputs: { city: 'Paris' }, outputs: { temp_c: 18 } });
    expect(span.events).toEqual([{ name: 'exception', timeUnixNano: '1768471320400000000', attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'upstream weather API timed out' } }]);
  });
});

describe('GenAI attribute generations', () => {
  test.for([
    ['chat', 'CHAT_MODEL'],
    ['invoke_agent', 'AGENT'],
    ['execute_tool', 'TOOL'],
    ['embeddings', 'EMBEDDING'],
    ['text_completion', 'LLM'],
  ])('operation %s is span type %s', ([op, type]) => {
    expect(normalizeSpan(makeSpan({}, { 'gen_ai.operation.name': op })).spanType).toBe(type);
  });

  test('old usage names (prompt_tokens/completion_tokens) count like the new ones', () => {
    const s = normalizeSpan(makeSpan({}, { 'gen_ai.usage.prompt_tokens': 10, 'gen_ai.usage.completion_tokens': 5, 'gen_ai.request.model': 'gpt-4o' }));
    expect(s.usage).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
    expect(s.model).toBe('gpt-4o');
  });

  test('indexed gen_ai.prompt.N.* attributes become a message list', () => {
    const s = normalizeSpan(makeSpan({}, { 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'hi', 'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.content': 'hello' }));
    expect(s.inputs).toEqual([{ role: 'user', content: 'hi' }]);
    expect(s.outputs).toEqual([{ role: 'assistant', content: 'hello' }]);
  });

  test('the older event-based messages become inputs and outputs', () => {
    const ev = (name: string, attributes: Attributes): OtlpEvent => ({ name, timeUnixNano: '1', attributes });
    const s = normalizeSpan(makeSpan({}, { 'gen_ai.operation.name': 'chat' }, [ev('gen_ai.system.message', { content: 'be nice' }), ev('gen_ai.user.message', { content: 'hi' }), ev('gen_ai.choice', { message: '{"role":"assistant","content":"hey"}' })]));
    expect(s.inputs).toEqual([{ role: 'system', content: 'be nice' }, { role: 'user', content: 'hi' }]);
    expect(s.outputs).toEqual([{ role: 'assistant', content: 'hey' }]);
  });
});

describe('MLflow vocabulary', () => {
  test("MLflow's own attributes win and are not duplicated, JSON-encoded values included", () => {
    const s = normalizeSpan(makeSpan({}, { 'mlflow.spanType': '"TOOL"', 'mlflow.spanInputs': '{"x": 1}', 'mlflow.traceRequestId': 'tr-custom', 'openinference.span.kind': 'LLM', 'input.value': 'ignored' }));
    expect(s).toMatchObject({ spanType: 'TOOL', inputs: { x: 1 }, fromMlflow: true });
    expect(s.attributes['mlflow.spanInputs']).toBe('{"x": 1}');
    expect(s.attributes['mlflow.traceRequestId']).toBe('tr-custom');
  });

  test('spans from other SDKs are not marked as MLflow spans and get the trace request id added', () => {
    const s = normalizeSpan(makeSpan({}, { 'input.value': 'q' }));
    expect(s.fromMlflow).toBe(false);
    expect(s.attributes['mlflow.traceRequestId']).toBe('tr-0af7651916cd43dd8448eb211c80319c');
    expect(s.spanType).toBe('UNKNOWN');
  });
});

describe('span validation (partial success)', () => {
  test.for([
    ['a span without ids', { traceId: '', spanId: '' }, 'traceId and spanId are required'],
    ['a trace id of the wrong length', { traceId: 'abcd' }, 'traceId must be 16 bytes'],
    ['a span id of the wrong length', { spanId: 'abcdef' }, 'spanId must be 8 bytes'],
    ['an end before the start', { endTimeUnixNano: '1768471100000000000' }, 'ends before it starts'],
    ['a bad parent id', { parentSpanId: 'xyz' }, 'parentSpanId must be empty or 8 bytes'],
  ] as const)('rejects %s and keeps the others', ([, over, message]) => {
    const out = normalizeRequest({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: '', version: '' }, spans: [makeSpan(over), makeSpan({ spanId: 'b7ad6b7169203302' })] }] }] });
    expect(out.rejected).toBe(1);
    expect(out.errors[0]).toContain(message);
    expect(out.groups[0].spans.map((s) => s.spanId)).toEqual(['b7ad6b7169203302']);
  });

  test('rejects the second copy of a span id within one request', () => {
    const out = normalizeRequest({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: '', version: '' }, spans: [makeSpan(), makeSpan()] }] }] });
    expect(out.rejected).toBe(1);
    expect(out.errors[0]).toMatch(/appears more than once/);
  });
});

describe('price table', () => {
  test.for([
    ['gpt-4o-mini-2024-07-18', [0.15, 0.6]],
    ['gpt-4o', [2.5, 10]],
    ['openai/gpt-4o-mini', [0.15, 0.6]],
    ['claude-3-5-sonnet-20241022', [3, 15]],
    ['gemini-2.5-pro', [1.25, 10]],
  ] as const)('%s resolves to its family price', ([model, price]) => {
    expect(priceOf(model)).toEqual(price);
  });

  test('an unknown model gets no cost rather than a guess', () => {
    expect(costOf('my-local-llama', { input_tokens: 10, output_tokens: 10, total_tokens: 20 })).toBeUndefined();
  });
});
