import { readFileSync } from 'node:fs';
import { context, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const FIXTURES = '/work/shared/fixtures/otlp';
export const fixture = (name: string) => readFileSync(`${FIXTURES}/${name}`);

export interface SpanSpec {
  name?: string;
  attributes?: Attributes;
  children?: SpanSpec[];
  error?: string;
  event?: { name: string; attributes?: Attributes };
}

/** Finished SDK spans for a tree of specs, made by the real OTel SDK (children end before parents). */
export function makeSdkSpans(root: SpanSpec, resource: Attributes = { 'service.name': 'builder-test' }): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('glassbox-tests', '1.0.0');
  const run = (spec: SpanSpec, parentCtx?: Context) => {
    const span = tracer.startSpan(spec.name ?? 'span', { attributes: spec.attributes }, parentCtx);
    const ctx = trace.setSpan(parentCtx ?? context.active(), span);
    for (const c of spec.children ?? []) run(c, ctx);
    if (spec.event) span.addEvent(spec.event.name, spec.event.attributes);
    if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error });
    span.end();
  };
  run(root);
  return exporter.getFinishedSpans();
}

export const encodeProtobuf = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans)!;
export const encodeJson = (spans: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(spans)!;
