import type { Trace, TraceSpan } from './trace.js';
import type { ContextChunk, EvalRecord, Expectations } from './types.js';

/** Overrides for what is judged; each gets the whole trace and wins over the defaults. */
export interface Selectors {
  question?: (t: Trace) => string | undefined;
  answer?: (t: Trace) => string | undefined;
  context?: (t: Trace) => ContextChunk[] | undefined;
  expectations?: (t: Trace) => Expectations | undefined;
}

type Msg = { role?: string; content?: unknown };

const QUESTION_KEYS = ['question', 'query', 'input', 'prompt', 'user_input', 'message', 'text'];
const ANSWER_KEYS = ['answer', 'output', 'response', 'result', 'content', 'text'];

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  // OpenAI content parts: [{type:'text', text:'…'}]
  if (Array.isArray(v) && v.every((p) => p && typeof p === 'object' && 'text' in p)) return v.map((p) => String(p.text)).join('');
  return undefined;
}

function lastMessage(messages: unknown, role: string): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  const m = [...(messages as Msg[])].reverse().find((x) => x && x.role === role);
  return m ? text(m.content) : undefined;
}

/** The question from root inputs: a string, a known key, or the last user message. */
function questionFrom(inputs: unknown): string | undefined {
  if (inputs === undefined || inputs === null) return undefined;
  if (typeof inputs === 'string') return inputs;
  if (Array.isArray(inputs)) return lastMessage(inputs, 'user');
  const o = inputs as Record<string, unknown>;
  const fromMessages = lastMessage(o.messages, 'user');
  if (fromMessages) return fromMessages;
  for (const k of QUESTION_KEYS) if (text(o[k])) return text(o[k]);
  const values = Object.values(o);
  // A function traced with a single argument: that argument is the question.
  return values.length === 1 ? questionFrom(values[0]) : undefined;
}

/** The answer from root outputs: a string, an OpenAI completion, a known key, or the last assistant message. */
function answerFrom(outputs: unknown): string | undefined {
  if (outputs === undefined || outputs === null) return undefined;
  if (typeof outputs === 'string') return outputs;
  if (Array.isArray(outputs)) return lastMessage(outputs, 'assistant');
  const o = outputs as Record<string, unknown>;
  const choice = (o.choices as { message?: Msg }[] | undefined)?.[0]?.message;
  if (choice) return text(choice.content);
  const fromMessages = lastMessage(o.messages, 'assistant');
  if (fromMessages) return fromMessages;
  for (const k of ANSWER_KEYS) if (text(o[k])) return text(o[k]);
  return undefined;
}

function spanType(s: TraceSpan): string | undefined {
  const t = s.attributes['mlflow.spanType'] ?? s.attributes['openinference.span.kind'];
  return typeof t === 'string' ? t.toUpperCase() : undefined;
}

/** MLflow Document: {page_content, metadata:{doc_uri, chunk_id}, id}. */
function mlflowDocs(outputs: unknown): ContextChunk[] {
  if (!Array.isArray(outputs)) return [];
  return outputs
    .filter((d) => d && typeof d === 'object' && 'page_content' in d)
    .map((d) => {
      const meta = (d.metadata ?? {}) as Record<string, unknown>;
      const id = d.id ?? meta.doc_uri ?? meta.chunk_id ?? meta.id;
      return { content: String(d.page_content), id: id === undefined || id === null ? undefined : String(id) };
    });
}

/** OpenInference `retrieval.documents`, nested or flattened as retrieval.documents.N.document.*. */
function openInferenceDocs(attrs: Record<string, unknown>): ContextChunk[] {
  const nested = attrs['retrieval.documents'];
  if (Array.isArray(nested)) {
    return nested.map((d) => {
      const doc = (d?.document ?? d) as Record<string, unknown>;
      return { content: String(doc.content ?? ''), id: doc.id === undefined ? undefined : String(doc.id) };
    });
  }
  const flat = new Map<number, ContextChunk>();
  for (const [k, v] of Object.entries(attrs)) {
    const m = /^retrieval\.documents\.(\d+)\.document\.(content|id)$/.exec(k);
    if (!m) continue;
    const doc = flat.get(Number(m[1])) ?? { content: '' };
    if (m[2] === 'content') doc.content = String(v);
    else doc.id = String(v);
    flat.set(Number(m[1]), doc);
  }
  return [...flat.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
}

/**
 * Every chunk of every RETRIEVER span, spans in start order, chunks in rank order.
 *
 * @example
 * retrievedContext(trace); // [{ content: 'Paris is…', id: 'doc-1' }, …]
 */
export function retrievedContext(trace: Trace): ContextChunk[] {
  return trace.spans
    .filter((s) => spanType(s) === 'RETRIEVER')
    .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))
    .flatMap((s) => {
      const docs = mlflowDocs(s.attributes['mlflow.spanOutputs']);
      return docs.length ? docs : openInferenceDocs(s.attributes);
    });
}

/**
 * The root span: the one without a parent, or whose parent is missing from the trace.
 *
 * @example
 * rootSpan(trace)?.attributes['mlflow.spanInputs'];
 */
export function rootSpan(trace: Trace): TraceSpan | undefined {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  return trace.spans.find((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
}

/** MLflow's built-in expectation names, mapped to the record's expectations. */
function expectationsFrom(trace: Trace): Expectations | undefined {
  const out: Expectations = {};
  for (const a of trace.info.assessments ?? []) {
    if (!a.expectation || a.valid === false) continue;
    const v = a.expectation.value;
    if (a.assessment_name === 'expected_response' || a.assessment_name === 'expected_answer') out.expectedAnswer = String(v);
    else if (a.assessment_name === 'expected_retrieved_context' && Array.isArray(v)) {
      out.relevantDocIds = v.map((d) => String(typeof d === 'object' && d ? (d.doc_uri ?? d.id) : d));
    } else if (a.assessment_name === 'relevant_doc_ids' && Array.isArray(v)) out.relevantDocIds = v.map(String);
    else out[a.assessment_name] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function durationMs(d: string | undefined): number | undefined {
  const m = d ? /^(-?\d+(?:\.\d+)?)s$/.exec(d) : null;
  return m ? Math.round(Number(m[1]) * 1000 * 1000) / 1000 : undefined;
}

function tokenUsage(trace: Trace): { input?: number; output?: number } {
  const meta = trace.info.trace_metadata?.['mlflow.trace.tokenUsage'];
  if (meta) {
    try {
      const u = JSON.parse(meta);
      return { input: u.input_tokens, output: u.output_tokens };
    } catch {
      // fall through to the spans
    }
  }
  let input: number | undefined;
  let output: number | undefined;
  for (const s of trace.spans) {
    const u = s.attributes['mlflow.chat.tokenUsage'] as Record<string, number> | undefined;
    const i = u?.input_tokens ?? (s.attributes['gen_ai.usage.input_tokens'] as number) ?? (s.attributes['llm.token_count.prompt'] as number);
    const o = u?.output_tokens ?? (s.attributes['gen_ai.usage.output_tokens'] as number) ?? (s.attributes['llm.token_count.completion'] as number);
    if (typeof i === 'number') input = (input ?? 0) + i;
    if (typeof o === 'number') output = (output ?? 0) + o;
  }
  return { input, output };
}

function cost(trace: Trace): number | undefined {
  let total: number | undefined;
  for (const s of trace.spans) {
    const c = s.attributes['mlflow.llm.cost'] as Record<string, number> | number | undefined;
    const v = typeof c === 'number' ? c : (c?.total_cost ?? (c ? (c.input_cost ?? 0) + (c.output_cost ?? 0) : undefined));
    if (typeof v === 'number') total = (total ?? 0) + v;
  }
  return total;
}

/**
 * Turns a trace into the record scorers judge: the question from the root span's inputs (or the
 * last user message), the answer from its outputs (or the last assistant message), the context
 * from RETRIEVER spans (MLflow documents or OpenInference `retrieval.documents`), expectations from
 * expectation assessments, plus latency, tokens and cost. `selectors` override any of the four.
 *
 * @example
 * const record = extractRecord(trace, { question: (t) => String(rootSpan(t)?.attributes['my.question']) });
 */
export function extractRecord(trace: Trace, selectors: Selectors = {}): EvalRecord {
  const root = rootSpan(trace);
  const inputs = root?.attributes['mlflow.spanInputs'] ?? root?.attributes['input.value'];
  const outputs = root?.attributes['mlflow.spanOutputs'] ?? root?.attributes['output.value'];
  const usage = tokenUsage(trace);
  const rootMs = root?.endNs !== undefined ? Number(root.endNs - root.startNs) / 1e6 : undefined;
  return {
    id: trace.info.trace_id,
    question: selectors.question ? selectors.question(trace) : questionFrom(inputs),
    answer: selectors.answer ? selectors.answer(trace) : answerFrom(outputs),
    context: selectors.context ? selectors.context(trace) : retrievedContext(trace),
    expectations: selectors.expectations ? selectors.expectations(trace) : expectationsFrom(trace),
    inputs,
    outputs,
    latencyMs: durationMs(trace.info.execution_duration) ?? rootMs,
    inputTokens: usage.input,
    outputTokens: usage.output,
    cost: cost(trace),
  };
}
