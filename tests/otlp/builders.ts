import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, SpanStatusCode, trace, type Attributes, type Context } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { FIXTURES_DIR } from '../helpers/replay.js';

export const FIXTURES = join(FIXTURES_DIR, 'otlp');
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

let counter = 0;
/** A fresh random-looking 32-hex trace id per call (unique ids per test). */
export function newTraceId(): string {
  counter++;
  return (Date.now().toString(16) + counter.toString(16).padStart(6, '0') + Math.random().toString(16).slice(2)).padEnd(32, '0').slice(0, 32);
}

export interface JsonSpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name?: string;
  start?: bigint;
  end?: bigint;
  attributes?: Record<string, string | number>;
  status?: number;
}

/** An OTLP/JSON request body for the given spans under one resource. */
export function otlpJson(spans: JsonSpanSpec[], resource: Record<string, string> = {}): string {
  const kv = (o: Record<string, string | number>) => Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } }));
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: kv(resource) },
      scopeSpans: [{ scope: { name: 'tests' }, spans: spans.map((s) => ({
        traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name ?? 'span', kind: 1,
        startTimeUnixNano: String(s.start ?? 1768471200000000000n), endTimeUnixNano: String(s.end ?? 1768471201000000000n),
        attributes: kv(s.attributes ?? {}), status: { code: s.status ?? 0 },
      })) }],
    }],
  });
}

export const spanId = (n: number) => n.toString(16).padStart(16, '0');
