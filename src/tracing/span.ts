import { context, diag, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { mlflowTraceId, SpanAttr, type SpanType } from './attributes.js';
import { safeJson } from './serialize.js';
import { sdk, traceRoots } from './state.js';

export interface StartOptions {
  spanType?: SpanType;
  attributes?: Record<string, unknown>;
  functionName?: string;
}

export interface Started {
  span: Span;
  /** The active context with this span set, to run the user's code in. */
  ctx: Context;
}

const outputsSet = new WeakSet<Span>();

/**
 * Starts a span carrying MLflow's mandatory attributes. Returns undefined (and logs) if anything
 * in the SDK fails, so callers then simply run the user's code untraced.
 */
export function startSpan(name: string, opts: StartOptions = {}): Started | undefined {
  try {
    const parent = context.active();
    const span = sdk().tracer.startSpan(name, {}, parent);
    const ctx = trace.setSpan(parent, span);
    if (!span.isRecording()) return { span, ctx };
    const traceId = span.spanContext().traceId;
    span.setAttribute(SpanAttr.TRACE_REQUEST_ID, mlflowTraceId(traceId));
    span.setAttribute(SpanAttr.SPAN_TYPE, opts.spanType ?? 'UNKNOWN');
    if (opts.functionName) span.setAttribute(SpanAttr.FUNCTION_NAME, opts.functionName);
    if (opts.attributes) setAttributes(span, opts.attributes);
    if (!traceRoots.has(traceId)) {
      traceRoots.set(traceId, span);
      const runId = sdk().activeRunId;
      if (runId) span.setAttribute(SpanAttr.SOURCE_RUN, runId);
    }
    return { span, ctx };
  } catch (err) {
    diag.warn('glassbox: could not start a span', err);
    return undefined;
  }
}

/** Sets attributes, JSON-encoding anything OTel cannot hold (objects, mixed arrays, null). */
export function setAttributes(span: Span, attrs: Record<string, unknown>): void {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string') ) out[k] = v as string[];
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) out[k] = v as number[];
    else {
      const text = safeJson(v);
      if (text !== undefined) out[k] = text;
    }
  }
  span.setAttributes(out);
}

/** Records inputs as JSON text, unless content capture is off. */
export function recordInputs(span: Span, inputs: unknown): void {
  if (!sdk().captureContent || !span.isRecording()) return;
  const text = safeJson(inputs);
  if (text !== undefined) span.setAttribute(SpanAttr.INPUTS, text);
}

export function recordOutputs(span: Span, outputs: unknown): void {
  outputsSet.add(span);
  if (!sdk().captureContent || !span.isRecording()) return;
  const text = safeJson(outputs);
  if (text !== undefined) span.setAttribute(SpanAttr.OUTPUTS, text);
}

/** Ends a span that succeeded; `outputs` is ignored when the user already set outputs explicitly. */
export function endOk(span: Span, outputs?: unknown, hasOutputs = arguments.length > 1): void {
  try {
    if (hasOutputs && !outputsSet.has(span)) recordOutputs(span, outputs);
    span.setStatus({ code: SpanStatusCode.OK });
    end(span);
  } catch (err) {
    diag.warn('glassbox: could not end a span', err);
  }
}

/** Ends a span that failed: status ERROR plus an OTel `exception` event, as MLflow records it. */
export function endError(span: Span, error: unknown): void {
  try {
    const e = error instanceof Error ? error : new Error(String(error));
    span.recordException(e);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${e.name}: ${e.message}` });
    end(span);
  } catch (err) {
    diag.warn('glassbox: could not end a span', err);
  }
}

function end(span: Span): void {
  const traceId = span.spanContext().traceId;
  if (traceRoots.get(traceId) === span) traceRoots.delete(traceId);
  span.end();
}

/**
 * The handle `withSpan` passes to its callback: set inputs, outputs and attributes in MLflow's
 * vocabulary without touching OTel directly. Every method is safe to call on a non-recording span.
 *
 * @example
 * ```ts
 * await withSpan('rerank', { spanType: 'RERANKER' }, async (span) => {
 *   span.setInputs({ candidates: docs.length });
 *   span.setOutputs(top3);
 * });
 * ```
 */
export class GlassboxSpan {
  constructor(readonly otelSpan: Span) {}

  /** MLflow's trace id ("tr-" + OTel trace id). */
  get traceId(): string {
    return mlflowTraceId(this.otelSpan.spanContext().traceId);
  }
  get spanId(): string {
    return this.otelSpan.spanContext().spanId;
  }
  setInputs(inputs: unknown): void {
    recordInputs(this.otelSpan, inputs);
  }
  setOutputs(outputs: unknown): void {
    recordOutputs(this.otelSpan, outputs);
  }
  setSpanType(spanType: SpanType): void {
    this.otelSpan.setAttribute(SpanAttr.SPAN_TYPE, spanType);
  }
  setAttribute(key: string, value: unknown): void {
    setAttributes(this.otelSpan, { [key]: value });
  }
  setAttributes(attrs: Record<string, unknown>): void {
    setAttributes(this.otelSpan, attrs);
  }
}
