import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { autolog, trace } from '../../src/tracing/index.js';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openai-fake.js';
import { useMemoryTracing } from './memory.js';

const t = useMemoryTracing();
let fake: OpenAIFake;
let client: OpenAI;

beforeAll(async () => {
  fake = await startOpenAIFake();
  client = autolog.openai(new OpenAI({ baseURL: fake.baseURL, apiKey: 'test-key', maxRetries: 0 }));
});
afterAll(() => fake.close());

const messages = [
  { role: 'system' as const, content: 'be brief' },
  { role: 'user' as const, content: 'where is my order' },
];
const weatherTool = { type: 'function' as const, function: { name: 'lookup_order', parameters: { type: 'object', properties: { query: { type: 'string' } } } } };

describe('chat.completions.create', () => {
  test('a plain call is a CHAT_MODEL span with the request, the response, model, params and token usage', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-fake', messages, temperature: 0.3, max_tokens: 50 });
    expect(r.choices[0].message.content).toBe('echo: where is my order');
    const s = t.span('Completions');
    expect(s.type).toBe('CHAT_MODEL');
    expect(s.inputs).toMatchObject({ model: 'gpt-fake', messages, temperature: 0.3 });
    expect((s.outputs as any).choices[0].message.content).toBe('echo: where is my order');
    expect(s.attrs['mlflow.llm.model']).toBe('gpt-fake');
    expect(s.attrs['mlflow.message.format']).toBe('openai');
    expect(s.attrs['gen_ai.request.temperature']).toBe(0.3);
    expect(s.attrs['gen_ai.request.max_tokens']).toBe(50);
    expect(s.attrs['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 6, output_tokens: 5, total_tokens: 11 });
    expect(s.status).toBe(SpanStatusCode.OK);
  });

  test('calls inside a traced agent are children of its span', async () => {
    const agent = trace(async function agent(q: string) {
      const r = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: q }] });
      return r.choices[0].message.content;
    }, { spanType: 'AGENT' });
    await expect(agent('hello')).resolves.toBe('echo: hello');
    expect(t.span('Completions').parentId).toBe(t.span('agent').spanId);
  });

  test('tool calls are recorded with the tool definitions', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-fake', messages, tools: [weatherTool] });
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    const s = t.span('Completions');
    expect(s.attrs['mlflow.chat.tools']).toEqual([weatherTool]);
    expect((s.outputs as any).choices[0].message.tool_calls[0].function).toEqual({ name: 'lookup_order', arguments: '{"query":"where is my order"}' });
  });

  test('a streamed call ends its span only when the stream is consumed, with the assembled message and usage', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-fake', messages, stream: true, stream_options: { include_usage: true } });
    expect(t.spans()).toHaveLength(0);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('echo: where is my order');
    const s = t.span('Completions');
    expect((s.outputs as any).choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: 'echo: where is my order' }, finish_reason: 'stop' });
    expect(s.attrs['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 6, output_tokens: 5, total_tokens: 11 });
    expect(s.attrs['gen_ai.request.stream']).toBe(true);
  });

  test('streamed tool call fragments are joined into whole tool calls', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-fake', messages, tools: [weatherTool], stream: true });
    for await (const _ of stream) void _;
    const msg = (t.span('Completions').outputs as any).choices[0].message;
    expect(msg.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"query":"where is my order"}' } }]);
  });

  test('breaking out of a stream early still ends the span with what was received', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-fake', messages, stream: true });
    for await (const _ of stream) break;
    const s = t.span('Completions');
    expect(s.status).toBe(SpanStatusCode.OK);
    expect((s.outputs as any).choices[0].message.role).toBe('assistant');
  });

  test('the stream helper built on create() is traced too', async () => {
    const runner = client.chat.completions.stream({ model: 'gpt-fake', messages });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].message.content).toBe('echo: where is my order');
    expect((t.span('Completions').outputs as any).choices[0].message.content).toBe('echo: where is my order');
  });

  test('an API error reaches the caller unchanged and marks the span ERROR', async () => {
    const err = await client.chat.completions.create({ model: 'error-429', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    const s = t.span('Completions');
    expect(s.status).toBe(SpanStatusCode.ERROR);
    expect(s.events[0].name).toBe('exception');
  });

  test('the promise returned is still openai\'s own, with withResponse()', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-fake', messages }).withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0].message.content).toBe('echo: where is my order');
  });
});

describe('responses.create and embeddings.create', () => {
  test('a Responses call records input, output and usage', async () => {
    const r = await client.responses.create({ model: 'gpt-fake', input: 'track parcel 42' });
    expect(r.output_text).toBe('echo: track parcel 42');
    const s = t.span('Responses');
    expect(s.type).toBe('CHAT_MODEL');
    expect(s.inputs).toEqual({ model: 'gpt-fake', input: 'track parcel 42' });
    expect(s.attrs['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 3, output_tokens: 4, total_tokens: 7 });
  });

  test('a streamed Responses call records the completed response', async () => {
    const stream = await client.responses.create({ model: 'gpt-fake', input: 'track parcel 42', stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types.at(-1)).toBe('response.completed');
    const s = t.span('Responses');
    expect((s.outputs as any).output[0].content[0].text).toBe('echo: track parcel 42');
    expect(s.attrs['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 3, output_tokens: 4, total_tokens: 7 });
  });

  test('an embeddings call is an EMBEDDING span with input token usage', async () => {
    const r = await client.embeddings.create({ model: 'embed-fake', input: ['a b', 'c'] });
    expect(r.data).toHaveLength(2);
    expect(r.data[0].embedding).toHaveLength(8);
    const s = t.span('Embeddings');
    expect(s.type).toBe('EMBEDDING');
    expect(s.attrs['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 3, output_tokens: 0, total_tokens: 3 });
  });
});

describe('patching', () => {
  test('wrapping the same client twice records one span per call', async () => {
    autolog.openai(client);
    autolog.openai(client);
    await client.chat.completions.create({ model: 'gpt-fake', messages });
    expect(t.spans()).toHaveLength(1);
  });

  test('patching the OpenAI class traces clients created before and after, once', async () => {
    const before = new OpenAI({ baseURL: fake.baseURL, apiKey: 'x', maxRetries: 0 });
    autolog.openai(OpenAI);
    await autolog.openai();
    const after = new OpenAI({ baseURL: fake.baseURL, apiKey: 'x', maxRetries: 0 });
    await before.embeddings.create({ model: 'embed-fake', input: 'x' });
    await after.embeddings.create({ model: 'embed-fake', input: 'y' });
    // `client` already had an instance wrapper: the prototype patch must not double it.
    await client.embeddings.create({ model: 'embed-fake', input: 'z' });
    expect(t.spans().map((s) => s.name)).toEqual(['Embeddings', 'Embeddings', 'Embeddings']);
  });
});
