/**
 * The data every scorer sees. An in-memory dataset row and a trace both become one of these, so
 * scorers never know where a record came from.
 */
export interface EvalRecord {
  /** Trace id when the record came from a trace; a row id for in-memory datasets. */
  id: string;
  /** The user's question (root span inputs, or the last user message). */
  question?: string;
  /** The application's answer (root span outputs, or the last assistant message). */
  answer?: string;
  /** Retrieved chunks in rank order (RETRIEVER spans), each with an optional document id. */
  context?: ContextChunk[];
  /** Ground truth: an expected answer, the ids of the relevant documents, free-form extras. */
  expectations?: Expectations;
  /** Raw root inputs/outputs for custom judges that want more than question and answer. */
  inputs?: unknown;
  outputs?: unknown;
  /** Operational figures, when the source knows them (traces do). */
  latencyMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  cost?: number;
}

export interface ContextChunk {
  content: string;
  id?: string;
}

export interface Expectations {
  expectedAnswer?: string;
  relevantDocIds?: string[];
  [key: string]: unknown;
}

/** What one scorer concludes about one record (phoenix-evals `EvaluationResult`). */
export interface EvaluationResult {
  /** Numeric score, usually 0–1. */
  score?: number;
  /** Boolean or category verdict (e.g. `yes`, `pass`, a category name). */
  label?: string | boolean;
  /** The judge's rationale, or how a deterministic metric arrived at its value. */
  explanation?: string;
  /** Set when the scorer could not produce a value (malformed judge output, missing inputs). */
  error?: { code: string; message: string };
  /** Extra detail kept with the assessment (unsupported claims, per-chunk verdicts…). */
  details?: Record<string, unknown>;
  /** Judge usage for this record, summed over every call the scorer made. */
  usage?: JudgeUsage;
}

export interface JudgeUsage {
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
}

/** A scorer: deterministic code (`CODE`) or an LLM judge (`LLM_JUDGE`). */
export interface Scorer {
  name: string;
  /** Bumped when the prompt or definition changes; logged as a run param. */
  version: string;
  kind: 'CODE' | 'LLM_JUDGE';
  /** `maximize` (default): passes when score ≥ passThreshold; `minimize`: when score ≤ it. */
  direction?: 'maximize' | 'minimize';
  /** Without it, the scorer has no pass rate in the summary. */
  passThreshold?: number;
  evaluate(record: EvalRecord): Promise<EvaluationResult>;
}
