import type { Attributes, AttrValue, OtlpEvent } from './otlp-types.js';

/** Token counts as MLflow's `mlflow.chat.tokenUsage` spells them. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

/** What a vocabulary understands about one span; every field is optional and the first vocabulary to know wins. */
export interface SpanSemantics {
  spanType?: string;
  inputs?: AttrValue;
  outputs?: AttrValue;
  model?: string;
  provider?: string;
  usage?: TokenUsage;
  session?: string;
  user?: string;
}

/** One attribute vocabulary (MLflow, OpenInference, GenAI): reads attributes, never writes them. */
export type Vocabulary = (attrs: Attributes, events: OtlpEvent[]) => SpanSemantics;

/**
 * Strings that hold a JSON object or array are parsed (what MLflow shows for them); other strings
 * stay strings. Only `{`/`[` openers are tried so that "18" or "true" are not turned into numbers.
 */
export function parseJsonish(v: AttrValue | undefined): AttrValue | undefined {
  if (typeof v !== 'string') return v;
  const c = v.charCodeAt(0);
  if (c !== 123 && c !== 91) return v;
  try {
    return JSON.parse(v) as AttrValue;
  } catch {
    return v;
  }
}

/** A value written the Python way (every attribute JSON-encoded) or raw; returns the decoded value. */
export function decodeMaybeEncoded(v: AttrValue | undefined): AttrValue | undefined {
  if (typeof v !== 'string') return v;
  const c = v.charCodeAt(0);
  if (c === 34 || c === 123 || c === 91) {
    try {
      return JSON.parse(v) as AttrValue;
    } catch {
      return v;
    }
  }
  return v;
}

export function asString(v: AttrValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const d = decodeMaybeEncoded(v);
  return typeof d === 'string' ? d : typeof d === 'number' || typeof d === 'boolean' ? String(d) : undefined;
}

export function asNumber(v: AttrValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Builds a usage from whichever counts are present; undefined when none is. */
export function usageOf(input?: number, output?: number, total?: number): TokenUsage | undefined {
  if (input === undefined && output === undefined && total === undefined) return undefined;
  const i = input ?? 0;
  const o = output ?? 0;
  return { input_tokens: i, output_tokens: o, total_tokens: total ?? i + o };
}
