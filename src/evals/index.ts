/**
 * `glassbox/evals`: LLM-as-judge scorers (the RAG triad, correctness, guidelines, custom judges),
 * deterministic metrics, and `evaluate()` over an in-memory dataset or a tracking server's traces.
 */
export { evaluate, type EvaluateOptions, type EvaluationReport, type TrackingOptions } from './evaluate.js';
export { scorers, scorersByName, SCORER_NAMES } from './scorers.js';
export { createJudge, type Judge, type JudgeOptions, type JudgeOutcome } from './judge/judge.js';
export {
  createOpenAIJudgeClient,
  openAIJudgeClientFromSettings,
  resolveJudgeSettings,
  JudgeCallError,
  type JudgeClient,
  type JudgeReply,
  type JudgeRequest,
  type JudgeSettings,
} from './judge-client.js';
export { extractRecord, retrievedContext, rootSpan, type Selectors } from './extract.js';
export { judgeAgreement, cohensKappa, type Agreement } from './agreement.js';
export { summarize, percentile, type ResultRow, type ScorerSummary } from './aggregate.js';
export { formatSummary, rowsToCsv, summaryMetrics } from './report.js';
export { createMlflowClient, type MlflowClient } from './mlflow-client.js';
export { mlflowAssessmentSink, mlflowTraceSource, type TraceSource } from './trace-source.js';
export type { ResultSink, Progress } from './runner.js';
export type { EvalRecord, EvaluationResult, Scorer, ContextChunk, Expectations } from './types.js';
export type { Trace, TraceInfo, TraceSpan, Assessment } from './trace.js';
export type { CustomOutput } from './llm/custom-judge.js';
export { precisionAtK, recallAtK, reciprocalRank, ndcgAtK, contextPrecision } from './rag/retrieval.js';
export { exactMatch } from './metrics/exact-match.js';
export { contains, regexMatch } from './metrics/contains.js';
export { tokenF1 } from './metrics/token-f1.js';
export { rougeL } from './metrics/rouge-l.js';
export { isValidJson, matchJsonSchema } from './metrics/json.js';
export { findPii } from './metrics/pii.js';
