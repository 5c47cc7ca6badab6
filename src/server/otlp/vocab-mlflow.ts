import { asNumber, asString, decodeMaybeEncoded, usageOf, type SpanSemantics } from './semantics.js';
import type { Attributes, AttrValue } from './otlp-types.js';

/**
 * MLflow's own attributes. The Python client sends typed values over OTLP (kvlists, strings);
 * traces.json from the Python writer has every value JSON-encoded, so both forms are decoded.
 */
export function mlflowVocabulary(attrs: Attributes): SpanSemantics {
  const out: SpanSemantics = {};
  const type = asString(attrs['mlflow.spanType']);
  if (type) out.spanType = type;
  if ('mlflow.spanInputs' in attrs) out.inputs = decodeMaybeEncoded(attrs['mlflow.spanInputs']);
  if ('mlflow.spanOutputs' in attrs) out.outputs = decodeMaybeEncoded(attrs['mlflow.spanOutputs']);
  const model = asString(attrs['mlflow.llm.model']);
  if (model) out.model = model;
  const provider = asString(attrs['mlflow.llm.provider']);
  if (provider) out.provider = provider;
  const usage = decodeMaybeEncoded(attrs['mlflow.chat.tokenUsage']);
  if (usage && typeof usage === 'object' && !Array.isArray(usage)) {
    const u = usage as Record<string, AttrValue>;
    out.usage = usageOf(asNumber(u.input_tokens), asNumber(u.output_tokens), asNumber(u.total_tokens));
  }
  return out;
}

/** True when the span came from an MLflow SDK (it alone earns the mlflow.traceName tag). */
export function isMlflowSpan(attrs: Attributes): boolean {
  return 'mlflow.traceRequestId' in attrs || 'mlflow.spanType' in attrs || 'mlflow.spanFunctionName' in attrs;
}
