import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach } from 'vitest';
import { init, shutdown, type InitOptions } from '../../src/tracing/index.js';

/** Decoded view of a finished span: MLflow's JSON-text attributes parsed back. */
export interface SpanView {
  name: string;
  spanId: string;
  parentId: string | undefined;
  traceId: string;
  status: number;
  type: unknown;
  inputs: unknown;
  outputs: unknown;
  attrs: Record<string, unknown>;
  events: ReadableSpan['events'];
}

const JSON_KEYS = new Set(['mlflow.spanInputs', 'mlflow.spanOutputs', 'mlflow.chat.tokenUsage', 'mlflow.chat.tools', 'mlflow.linkedPrompts']);

export function view(s: ReadableSpan): SpanView {
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.attributes)) attrs[k] = JSON_KEYS.has(k) && typeof v === 'string' ? JSON.parse(v) : v;
  return {
    name: s.name,
    spanId: s.spanContext().spanId,
    parentId: s.parentSpanContext?.spanId,
    traceId: s.spanContext().traceId,
    status: s.status.code,
    type: attrs['mlflow.spanType'],
    inputs: attrs['mlflow.spanInputs'],
    outputs: attrs['mlflow.spanOutputs'],
    attrs,
    events: s.events,
  };
}

/** init() with an in-memory exporter around every test of the calling file. */
export function useMemoryTracing(options: Partial<InitOptions> = {}) {
  // Fresh per test: shutdown() stops the exporter it was given.
  let exporter = new InMemorySpanExporter();
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    init({ trackingUri: 'http://127.0.0.1:9', ...options, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  });
  afterEach(async () => {
    await shutdown();
  });
  const spans = () => exporter.getFinishedSpans().map(view);
  return {
    spans,
    span(name: string): SpanView {
      const found = spans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`expected one span named ${name}, found ${found.length}: ${spans().map((s) => s.name).join(', ')}`);
      return found[0];
    },
  };
}
