import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PromptCache, loadPrompt, registerPrompt, type Prompt } from '../../src/prompts/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { uniqueName } from './api.js';

describe('loading a prompt inside a trace', () => {
  let s: TestServer;
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    await s?.close();
  });

  test('links each loaded version to the active trace once, as mlflow.linkedPrompts', async () => {
    const name = uniqueName('linked');
    await registerPrompt(name, 'a {{x}}', { trackingUri: s.url });
    await registerPrompt(name, 'b {{x}}', { trackingUri: s.url });
    const cache = new PromptCache<Prompt>();
    await trace.getTracer('test').startActiveSpan('root', async (span) => {
      await loadPrompt(`prompts:/${name}/1`, { trackingUri: s.url, cache });
      await loadPrompt(`prompts:/${name}/1`, { trackingUri: s.url, cache }); // cached: still linked, not duplicated
      await loadPrompt(`${name}@latest`, { trackingUri: s.url, cache });
      span.end();
    });
    const [root] = exporter.getFinishedSpans();
    expect(JSON.parse(String(root.attributes['mlflow.linkedPrompts']))).toEqual([
      { name, version: '1' },
      { name, version: '2' },
    ]);
  });

  test('a fallback prompt is not linked, since it is no registry version', async () => {
    exporter.reset();
    const closed = await startTestServer('sqlite');
    await closed.close();
    await trace.getTracer('test').startActiveSpan('root', async (span) => {
      await loadPrompt('prompts:/qa@production', { trackingUri: closed.url, fallback: 'x', cache: new PromptCache() });
      span.end();
    });
    expect(exporter.getFinishedSpans()[0].attributes['mlflow.linkedPrompts']).toBeUndefined();
  });
});
