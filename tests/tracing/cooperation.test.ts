import { trace as otelTrace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, expect, test } from 'vitest';
import { init, shutdown, trace } from '../../src/tracing/index.js';

// The application's own OTel 2.x setup, registered before Glassbox is initialised.
const appExporter = new InMemorySpanExporter();
const appProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
otelTrace.setGlobalTracerProvider(appProvider);
afterAll(() => shutdown());

test('with an OTel 2.x provider already registered, init keeps it global and our spans nest under the app\'s spans', async () => {
  const ours = new InMemorySpanExporter();
  init({ trackingUri: 'http://127.0.0.1:9', spanProcessors: [new SimpleSpanProcessor(ours)] });
  const globalDelegate = (otelTrace.getTracerProvider() as unknown as { getDelegate(): unknown }).getDelegate();
  expect(globalDelegate).toBe(appProvider);

  const step = trace(async function step() {
    return 1;
  });
  await otelTrace.getTracer('app').startActiveSpan('http.request', async (span) => {
    await step();
    span.end();
  });
  const [appSpan] = appExporter.getFinishedSpans();
  const [ourSpan] = ours.getFinishedSpans();
  expect(appSpan.name).toBe('http.request');
  expect(ourSpan.name).toBe('step');
  expect(ourSpan.parentSpanContext?.spanId).toBe(appSpan.spanContext().spanId);
  expect(ourSpan.spanContext().traceId).toBe(appSpan.spanContext().traceId);
  // Each pipeline exports only its own spans.
  expect(appExporter.getFinishedSpans()).toHaveLength(1);
  expect(ours.getFinishedSpans()).toHaveLength(1);
});
