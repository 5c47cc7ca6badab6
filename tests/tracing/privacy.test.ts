import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { autolog, trace, withSpan } from '../../src/tracing/index.js';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openai-fake.js';
import { useMemoryTracing } from './memory.js';

let fake: OpenAIFake;
let client: OpenAI;
beforeAll(async () => {
  fake = await startOpenAIFake();
  client = autolog.openai(new OpenAI({ baseURL: fake.baseURL, apiKey: 'x', maxRetries: 0 }));
});
afterAll(() => fake.close());

describe('captureContent: false', () => {
  const t = useMemoryTracing({ captureContent: false });

  test('no inputs, outputs or messages are recorded, but types, model and token usage are', async () => {
    const agent = trace(async function agent(secret: string) {
      const r = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: secret }] });
      return r.choices[0].message.content;
    }, { spanType: 'AGENT' });
    await expect(agent('my card is 4111')).resolves.toBe('echo: my card is 4111');
    for (const s of t.spans()) {
      expect(s.inputs).toBeUndefined();
      expect(s.outputs).toBeUndefined();
      expect(JSON.stringify(s.attrs)).not.toContain('4111');
    }
    const llm = t.span('Completions');
    expect(llm.type).toBe('CHAT_MODEL');
    expect(llm.attrs['mlflow.llm.model']).toBe('gpt-fake');
    expect(llm.attrs['mlflow.chat.tokenUsage']).toEqual({ input_tokens: 4, output_tokens: 5, total_tokens: 9 });
  });
});

describe('redact hook', () => {
  const t = useMemoryTracing({
    redact: (span) => {
      if (span.name === 'explode') throw new Error('hook bug');
      const inputs = span.attributes['mlflow.spanInputs'];
      if (typeof inputs === 'string') span.attributes['mlflow.spanInputs'] = inputs.replace(/\d{4,}/g, '[redacted]');
      delete span.attributes['internal.debug'];
    },
  });

  test('rewrites attributes before export and leaves the rest of the span intact', () => {
    withSpan('lookup', { spanType: 'TOOL', inputs: { card: '4111222233334444' }, attributes: { 'internal.debug': 'x' } }, () => 'ok');
    const s = t.span('lookup');
    expect(s.inputs).toEqual({ card: '[redacted]' });
    expect(s.attrs['internal.debug']).toBeUndefined();
    expect(s.type).toBe('TOOL');
    expect(s.outputs).toBe('ok');
    expect(s.status).toBe(SpanStatusCode.OK);
  });

  test('a hook that throws drops that span instead of exporting it unredacted, and the app carries on', () => {
    expect(withSpan('explode', () => 42)).toBe(42);
    withSpan('fine', () => 1);
    expect(t.spans().map((s) => s.name)).toEqual(['fine']);
  });
});
