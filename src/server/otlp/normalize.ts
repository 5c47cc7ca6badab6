import { costOf, type Cost } from './cost-table.js';
import type { Attributes, AttrValue, OtlpEvent, OtlpLink, OtlpSpan, OtlpTraceRequest } from './otlp-types.js';
import type { SpanSemantics, TokenUsage } from './semantics.js';
import { genAiVocabulary } from './vocab-genai.js';
import { isMlflowSpan, mlflowVocabulary } from './vocab-mlflow.js';
import { openInferenceVocabulary } from './vocab-openinference.js';

export type SpanStatus = 'UNSET' | 'OK' | 'ERROR';

/** One span in Glassbox's model: what the store writes and what the read side gives back. */
export interface NormalizedSpan {
  /** MLflow trace id: "tr-" + 32 hex. */
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  spanType: string;
  status: SpanStatus;
  statusMessage: string;
  startNs: string;
  endNs: string | null;
  startMs: number;
  endMs: number | null;
  kind: number;
  /** The original attributes plus the mlflow.* ones MLflow's server adds. */
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  inputs?: AttrValue;
  outputs?: AttrValue;
  model?: string;
  provider?: string;
  usage?: TokenUsage;
  cost?: Cost;
  session?: string;
  user?: string;
  /** Sent by an MLflow SDK (only those earn the trace-name tag). */
  fromMlflow: boolean;
  /**
   * Set when mlflow.spanInputs/spanOutputs come from another vocabulary's attributes (copies of
   * input.value, gen_ai.input.messages…). They are left out of `attributes` and of the stored payload
   * (halving its bytes); `withDerivedInputsOutputs` adds them back when spans are read.
   */
  derivedIo: { inputs: boolean; outputs: boolean } | null;
  /** Bytes of the span's stored payload (mlflow.trace.sizeStats), set when it is packed. */
  payloadSize?: number;
  /** Protobuf only: the Span message's place in the request body, until it is packed. */
  wire?: [number, number];
}

export interface NormalizedGroup {
  resource: Attributes;
  spans: NormalizedSpan[];
  /** The spans' payload row, once `prepareRequest` has packed it (their attributes, events and links then left empty). */
  payload?: string | Uint8Array;
}

export interface NormalizedRequest {
  groups: NormalizedGroup[];
  rejected: number;
  /** The first few rejection reasons, for partialSuccess.errorMessage. */
  errors: string[];
}

const STATUS: SpanStatus[] = ['UNSET', 'OK', 'ERROR'];
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * Validates and normalises every span of a request; invalid spans are counted, not thrown (OTLP
 * partial success). With `rootIoOnly`, only root spans get their inputs/outputs parsed (the trace
 * previews); other spans' JSON text is left as text, for callers that keep only root
 * inputs/outputs (prepare.ts).
 */
export function normalizeRequest(req: OtlpTraceRequest, rootIoOnly = false): NormalizedRequest {
  const out: NormalizedRequest = { groups: [], rejected: 0, errors: [] };
  const seen = new Set<string>();
  const reject = (why: string) => {
    out.rejected++;
    if (out.errors.length < 5 && !out.errors.includes(why)) out.errors.push(why);
  };
  for (const rs of req.resourceSpans) {
    const group: NormalizedGroup = { resource: rs.resource, spans: [] };
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const problem = checkSpan(span);
        if (problem) {
          reject(problem);
          continue;
        }
        const key = span.traceId + span.spanId;
        if (seen.has(key)) {
          reject(`span id ${span.spanId} appears more than once in trace ${span.traceId} in this request`);
          continue;
        }
        seen.add(key);
        group.spans.push(normalizeSpan(span, !rootIoOnly || !span.parentSpanId));
      }
    }
    out.groups.push(group);
  }
  return out;
}

function checkSpan(s: OtlpSpan): string | undefined {
  if (!s.traceId || !s.spanId) return 'traceId and spanId are required on every span';
  if (!TRACE_ID.test(s.traceId)) return `traceId must be 16 bytes (32 hex characters), got '${s.traceId.slice(0, 40)}'`;
  if (!SPAN_ID.test(s.spanId)) return `spanId must be 8 bytes (16 hex characters), got '${s.spanId.slice(0, 40)}'`;
  if (s.traceId === '0'.repeat(32) || s.spanId === '0'.repeat(16)) return 'traceId and spanId must not be all zeros';
  if (s.parentSpanId && !SPAN_ID.test(s.parentSpanId)) return `parentSpanId must be empty or 8 bytes (16 hex characters), got '${s.parentSpanId.slice(0, 40)}'`;
  if (s.endTimeUnixNano !== '0' && nsLess(s.endTimeUnixNano, s.startTimeUnixNano)) {
    return `span ${s.spanId} ends before it starts (endTimeUnixNano < startTimeUnixNano)`;
  }
  return undefined;
}

/** Decimal strings without leading zeros compare by length, then lexically. */
export function nsLess(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

export function nsToMs(ns: string): number {
  return ns.length > 6 ? Number(ns.slice(0, -6)) : 0;
}

/** Pure: one OTLP span → one NormalizedSpan, adding MLflow's attributes while keeping the originals. */
export function normalizeSpan(s: OtlpSpan, parseIo = true): NormalizedSpan {
  const attrs = s.attributes;
  const sem = understand(attrs, s.events, parseIo);
  const traceId = `tr-${s.traceId}`;
  const endNs = s.endTimeUnixNano === '0' ? null : s.endTimeUnixNano;
  const cost = costOf(sem.model, sem.usage);
  const span: NormalizedSpan = {
    traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId || null,
    name: s.name,
    spanType: sem.spanType ?? 'UNKNOWN',
    status: STATUS[s.status.code] ?? 'UNSET',
    statusMessage: s.status.message,
    startNs: s.startTimeUnixNano,
    endNs,
    startMs: nsToMs(s.startTimeUnixNano),
    endMs: endNs === null ? null : nsToMs(endNs),
    kind: s.kind,
    attributes: attrs,
    events: s.events,
    links: s.links,
    fromMlflow: isMlflowSpan(attrs),
    derivedIo: null,
    ...(s.wire ? { wire: s.wire } : {}),
    ...sem,
    ...(cost ? { cost } : {}),
  };
  addMlflowAttributes(span);
  return span;
}

/** MLflow's own attributes win, then OpenInference, then GenAI, field by field. */
export function understand(attrs: Attributes, events: OtlpEvent[], parseIo = true): SpanSemantics {
  const merged: SpanSemantics = {};
  for (const sem of [mlflowVocabulary(attrs), openInferenceVocabulary(attrs, parseIo), genAiVocabulary(attrs, events, parseIo)]) {
    for (const k in sem) {
      const key = k as keyof SpanSemantics;
      if (merged[key] === undefined && sem[key] !== undefined) (merged as Record<string, unknown>)[key] = sem[key];
    }
  }
  return merged;
}

function addMlflowAttributes(s: NormalizedSpan): void {
  const a = s.attributes;
  const put = (k: string, v: AttrValue | undefined) => {
    if (v !== undefined && !(k in a)) a[k] = v;
  };
  put('mlflow.traceRequestId', s.traceId);
  if (s.spanType !== 'UNKNOWN') put('mlflow.spanType', s.spanType);
  // Inputs/outputs derived from another vocabulary are copies of big attributes (input.value,
  // gen_ai.input.messages…): they are not stored but re-derived on read (withDerivedInputsOutputs).
  const inputs = s.inputs !== undefined && !('mlflow.spanInputs' in a);
  const outputs = s.outputs !== undefined && !('mlflow.spanOutputs' in a);
  s.derivedIo = inputs || outputs ? { inputs, outputs } : null;
  if (s.usage) put('mlflow.chat.tokenUsage', { ...s.usage });
  put('mlflow.llm.model', s.model);
  put('mlflow.llm.provider', s.provider);
  if (s.cost) put('mlflow.llm.cost', { ...s.cost });
}

/** Re-adds derived mlflow.spanInputs/spanOutputs to attributes read back from the store. */
export function withDerivedInputsOutputs(attrs: Attributes, events: OtlpEvent[]): Attributes {
  const sem = understand(attrs, events);
  return withInputsOutputs(attrs, sem.inputs, sem.outputs);
}

/** Sets mlflow.spanInputs/spanOutputs from a span's understood inputs/outputs, unless the span has its own. */
export function withInputsOutputs(attrs: Attributes, inputs: AttrValue | undefined, outputs: AttrValue | undefined): Attributes {
  if (inputs !== undefined && !('mlflow.spanInputs' in attrs)) attrs['mlflow.spanInputs'] = inputs;
  if (outputs !== undefined && !('mlflow.spanOutputs' in attrs)) attrs['mlflow.spanOutputs'] = outputs;
  return attrs;
}
