import { randomBytes } from 'node:crypto';
import { spanFromApi, type Trace, type TraceInfo } from '../../src/evals/trace.js';

/** JS value → OTLP AnyValue in protobuf JSON (snake_case), as GetTrace/BatchGetTraces return it. */
export function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { string_value: v };
  if (typeof v === 'boolean') return { bool_value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { int_value: String(v) } : { double_value: v };
  if (Array.isArray(v)) return { array_value: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') return { kvlist_value: { values: Object.entries(v).map(([key, value]) => ({ key, value: anyValue(value) })) } };
  return {};
}

export interface SpanSpec {
  name?: string;
  spanId?: string;
  parent?: string;
  startMs?: number;
  durationMs?: number;
  attributes?: Record<string, unknown>;
}

/** A span in the §4.6 API form (base64 ids, AnyValue attributes), with defaults. */
export function makeApiSpan(spec: SpanSpec = {}): Record<string, unknown> {
  const spanId = spec.spanId ?? randomBytes(8).toString('hex');
  const start = BigInt(spec.startMs ?? 1_767_225_600_000) * 1_000_000n;
  return {
    trace_id: randomBytes(16).toString('base64'),
    span_id: Buffer.from(spanId, 'hex').toString('base64'),
    ...(spec.parent ? { parent_span_id: Buffer.from(spec.parent, 'hex').toString('base64') } : {}),
    name: spec.name ?? 'span',
    start_time_unix_nano: String(start),
    end_time_unix_nano: String(start + BigInt(spec.durationMs ?? 10) * 1_000_000n),
    attributes: Object.entries(spec.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
    status: { code: 'STATUS_CODE_OK', message: '' },
  };
}

/** A RAG trace: root CHAIN span (question → answer) with one RETRIEVER child in MLflow document form. */
export function makeRagTrace(opts: { id?: string; question: string; answer: string; docs: { id: string; content: string }[]; info?: Partial<TraceInfo> }): Trace {
  const root = 'aa00000000000001';
  const spans = [
    makeApiSpan({ name: 'rag', spanId: root, durationMs: 250, attributes: { 'mlflow.spanType': 'CHAIN', 'mlflow.spanInputs': { question: opts.question }, 'mlflow.spanOutputs': opts.answer } }),
    makeApiSpan({
      name: 'retrieve',
      parent: root,
      startMs: 1_767_225_600_005,
      attributes: {
        'mlflow.spanType': 'RETRIEVER',
        'mlflow.spanOutputs': opts.docs.map((d) => ({ page_content: d.content, metadata: { doc_uri: d.id } })),
      },
    }),
  ];
  const id = opts.id ?? `tr-${randomBytes(16).toString('hex')}`;
  return { info: { trace_id: id, execution_duration: '0.250s', assessments: [], ...opts.info }, spans: spans.map(spanFromApi) };
}
