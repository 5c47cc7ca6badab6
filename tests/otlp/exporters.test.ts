import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getTraceSpans, toOtelSpanJson } from '../../src/store/spans.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const EXPORTERS = [
  ['exporter-trace-otlp-proto', 'none'],
  ['exporter-trace-otlp-proto', 'gzip'],
  ['exporter-trace-otlp-http (JSON)', 'none'],
  ['exporter-trace-otlp-http (JSON)', 'gzip'],
] as const;

for (const dialect of DIALECTS) {
  describe(`${dialect}: real OpenTelemetry exporters`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test.for(EXPORTERS)('%s with compression %s delivers a span tree that comes back whole', async ([kind, compression]) => {
      const options = {
        url: `${s.url}/v1/traces`,
        headers: { 'x-mlflow-experiment-id': '0' },
        compression: compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
      };
      const exporter = kind.includes('proto') ? new ProtoExporter(options) : new HttpJsonExporter(options);
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'exporter-test' }), spanProcessors: [new BatchSpanProcessor(exporter)] });
      const tracer = provider.getTracer('exporter-test');
      const root = tracer.startSpan('agent', { attributes: { 'openinference.span.kind': 'AGENT', 'input.value': 'hi', count: 3, ratio: 0.5, ok: true, tags: ['a', 'b'] } });
      const ctx = trace.setSpan(context.active(), root);
      const child = tracer.startSpan('llm', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.response.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 } }, ctx);
      child.addEvent('token', { index: 1 });
      child.end();
      root.end();
      await provider.forceFlush();
      await provider.shutdown();

      const traceId = `tr-${root.spanContext().traceId}`;
      // Same-millisecond starts can come back in either order, so compare by name.
      const spans = (await getTraceSpans(s.store, traceId)).sort((a, b) => a.name.localeCompare(b.name));
      expect(spans.map((x) => [x.name, x.span_type, x.parent_span_id])).toEqual([['agent', 'AGENT', null], ['llm', 'CHAT_MODEL', root.spanContext().spanId]]);
      expect(spans[0].attributes).toMatchObject({ count: 3, ratio: 0.5, ok: true, tags: ['a', 'b'], 'mlflow.spanInputs': 'hi' });
      expect(spans[1].events).toEqual([{ name: 'token', timeUnixNano: expect.stringMatching(/^\d{19}$/), attributes: { index: 1 } }]);
      expect(toOtelSpanJson(spans[1]).attributes).toContainEqual({ key: 'mlflow.llm.model', value: { string_value: 'gpt-4o' } });
      const info = await s.store.db.selectFrom('trace_info').selectAll().where('trace_id', '=', traceId).executeTakeFirstOrThrow();
      expect(info).toMatchObject({ num_spans: 2, state: 'OK', input_tokens: 100, output_tokens: 10, experiment_id: 0 });
    });
  });
}
