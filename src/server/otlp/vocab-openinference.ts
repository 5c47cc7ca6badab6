import { asNumber, asString, parseJsonish, usageOf, type SpanSemantics } from './semantics.js';
import type { Attributes, AttrValue } from './otlp-types.js';

/** openinference.span.kind → MLflow span type (kinds MLflow lacks become UNKNOWN). */
const KIND_TO_TYPE: Record<string, string> = {
  LLM: 'LLM',
  CHAIN: 'CHAIN',
  RETRIEVER: 'RETRIEVER',
  RERANKER: 'RERANKER',
  EMBEDDING: 'EMBEDDING',
  TOOL: 'TOOL',
  AGENT: 'AGENT',
  GUARDRAIL: 'GUARDRAIL',
  EVALUATOR: 'EVALUATOR',
  PROMPT: 'UNKNOWN',
  UNKNOWN: 'UNKNOWN',
};

const DOC_KEY = /^retrieval\.documents\.(\d+)\.document\.(id|content|score|metadata)$/;

/** Arize OpenInference conventions (openinference-semantic-conventions). */
export function openInferenceVocabulary(attrs: Attributes, parseIo = true): SpanSemantics {
  const out: SpanSemantics = {};
  const kind = asString(attrs['openinference.span.kind']);
  if (kind) out.spanType = KIND_TO_TYPE[kind.toUpperCase()] ?? 'UNKNOWN';
  if ('input.value' in attrs) out.inputs = parseIo ? parseJsonish(attrs['input.value']) : attrs['input.value'];
  if ('output.value' in attrs) out.outputs = parseIo ? parseJsonish(attrs['output.value']) : attrs['output.value'];
  const docs = retrievalDocuments(attrs);
  if (docs && out.outputs === undefined) out.outputs = docs;
  const model = asString(attrs['llm.model_name']);
  if (model) out.model = model;
  const provider = asString(attrs['llm.provider']) ?? asString(attrs['llm.system']);
  if (provider) out.provider = provider;
  out.usage = usageOf(asNumber(attrs['llm.token_count.prompt']), asNumber(attrs['llm.token_count.completion']), asNumber(attrs['llm.token_count.total']));
  const session = asString(attrs['session.id']);
  if (session) out.session = session;
  const user = asString(attrs['user.id']);
  if (user) out.user = user;
  return out;
}

/** retrieval.documents.N.document.* → MLflow's Document list [{page_content, metadata, id}] (score goes into metadata). */
function retrievalDocuments(attrs: Attributes): AttrValue[] | undefined {
  let docs: { id?: AttrValue; content?: AttrValue; score?: AttrValue; metadata?: AttrValue }[] | undefined;
  for (const key in attrs) {
    if (!key.startsWith('retrieval.documents.')) continue;
    const m = DOC_KEY.exec(key);
    if (!m || Number(m[1]) > 10_000) continue;
    docs ??= [];
    const doc = (docs[Number(m[1])] ??= {});
    doc[m[2] as 'id' | 'content' | 'score' | 'metadata'] = attrs[key];
  }
  if (!docs) return undefined;
  return docs.filter(Boolean).map((d) => {
    const meta = parseJsonish(d.metadata);
    const metadata: Record<string, AttrValue> = meta && typeof meta === 'object' && !Array.isArray(meta) ? { ...meta } : {};
    if (d.score !== undefined) metadata.score = d.score;
    return { page_content: d.content ?? '', metadata, id: d.id ?? null };
  });
}
