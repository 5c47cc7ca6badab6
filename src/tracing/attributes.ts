/**
 * Span attribute keys, in MLflow's vocabulary (mlflow/tracing/constant.py `SpanAttributeKey`), so
 * that MLflow's own clients and UI read what this SDK writes.
 *
 * Value encoding over OTLP: OTel JS attributes can only hold primitives, so structured values
 * (inputs, outputs, token usage, tools, linked prompts) are JSON text. Plain string values (span
 * type, function name, model, trace request id) are sent as-is. MLflow's reader does
 * `json.loads(value)` with a fall-back to the raw string, so both shapes decode the same way.
 */
export const SpanAttr = {
  TRACE_REQUEST_ID: 'mlflow.traceRequestId',
  SPAN_TYPE: 'mlflow.spanType',
  INPUTS: 'mlflow.spanInputs',
  OUTPUTS: 'mlflow.spanOutputs',
  FUNCTION_NAME: 'mlflow.spanFunctionName',
  TOKEN_USAGE: 'mlflow.chat.tokenUsage',
  CHAT_TOOLS: 'mlflow.chat.tools',
  MESSAGE_FORMAT: 'mlflow.message.format',
  LLM_MODEL: 'mlflow.llm.model',
  LLM_PROVIDER: 'mlflow.llm.provider',
  LINKED_PROMPTS: 'mlflow.linkedPrompts',
  SOURCE_RUN: 'mlflow.sourceRun',
} as const;

/** MLflow's span types (mlflow.entities.SpanType); any other string is allowed, as in MLflow. */
export type SpanType =
  | 'LLM'
  | 'CHAT_MODEL'
  | 'CHAIN'
  | 'AGENT'
  | 'TOOL'
  | 'RETRIEVER'
  | 'EMBEDDING'
  | 'RERANKER'
  | 'PARSER'
  | 'MEMORY'
  | 'WORKFLOW'
  | 'TASK'
  | 'GUARDRAIL'
  | 'EVALUATOR'
  | 'UNKNOWN'
  | (string & {});

/** MLflow writes token usage with these snake_case keys (mlflow.tracing.constant.TokenUsageKey). */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

/** The OTel trace id (32 hex) as MLflow names the trace: "tr-" + hex. */
export function mlflowTraceId(otelTraceId: string): string {
  return `tr-${otelTraceId}`;
}
