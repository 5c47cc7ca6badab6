import { trace as otelTrace, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, expect, test } from 'vitest';
import { init, shutdown, trace } from '../../src/tracing/index.js';

/** The shape of an OTel JS SDK 1.x provider: processors can still be added after construction. */
class OpenProvider {
  private readonly inner: BasicTracerProvider;
  readonly added: SpanProcessor[] = [];
  constructor() {
    const forward: SpanProcessor = {
      onStart: (s, c) => this.added.forEach((p) => p.onStart(s, c)),
      onEnd: (s) => this.added.forEach((p) => p.onEnd(s)),
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    this.inner = new BasicTracerProvider({ spanProcessors: [forward] });
  }
  addSpanProcessor(p: SpanProcessor): void {
    this.added.push(p);
  }
  getTracer(name: string): Tracer {
    return this.inner.getTracer(name);
  }
}

const appProvider = new OpenProvider();
otelTrace.setGlobalTracerProvider(appProvider);
afterAll(() => shutdown());

test('with a provider that accepts span processors, init adds ours to it instead of creating a second provider', async () => {
  const ours = new InMemorySpanExporter();
  init({ trackingUri: 'http://127.0.0.1:9', spanProcessors: [new SimpleSpanProcessor(ours)] });
  expect(appProvider.added).toHaveLength(1);
  await trace(async function viaGlobal() {
    return 'x';
  })();
  expect(ours.getFinishedSpans().map((s) => s.name)).toEqual(['viaGlobal']);
  expect(ours.getFinishedSpans()[0].instrumentationScope.name).toBe('glassbox');
});
