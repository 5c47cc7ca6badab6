import { describe, expect, test } from 'vitest';
import { extractRecord } from '../../src/evals/extract.js';
import { spanFromApi, type Trace } from '../../src/evals/trace.js';
import { makeApiSpan, makeRagTrace } from './trace-builders.js';

const trace = (spans: Record<string, unknown>[], info: Trace['info'] = { trace_id: 'tr-1' }): Trace => ({ info, spans: spans.map(spanFromApi) });
const ROOT = 'bb00000000000001';

describe('what is judged, taken from a trace', () => {
  test('question, answer and MLflow retriever documents come from the root span and RETRIEVER spans', () => {
    const r = extractRecord(makeRagTrace({ question: 'Battery life?', answer: 'Twelve hours.', docs: [{ id: 'd1', content: 'Twelve hours.' }, { id: 'd2', content: 'WiFi 6.' }] }));
    expect(r).toMatchObject({ question: 'Battery life?', answer: 'Twelve hours.', latencyMs: 250, context: [{ id: 'd1', content: 'Twelve hours.' }, { id: 'd2', content: 'WiFi 6.' }] });
  });

  test('chat-style roots give the last user message as the question and the completion as the answer', () => {
    const t = trace([
      makeApiSpan({
        spanId: ROOT,
        attributes: {
          'mlflow.spanInputs': { messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'first' }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'Where is Paris?' }] },
          'mlflow.spanOutputs': { choices: [{ message: { role: 'assistant', content: 'In France.' } }] },
        },
      }),
    ]);
    expect(extractRecord(t)).toMatchObject({ question: 'Where is Paris?', answer: 'In France.' });
  });

  test('MLflow stores attributes JSON-encoded; a string AnyValue holding JSON is decoded', () => {
    const t = trace([makeApiSpan({ spanId: ROOT, attributes: { 'mlflow.spanInputs': JSON.stringify({ query: 'q?' }), 'mlflow.spanOutputs': JSON.stringify('a.') } })]);
    expect(extractRecord(t)).toMatchObject({ question: 'q?', answer: 'a.' });
  });

  test('OpenInference retrieval.documents are read whether nested or flattened, in rank order', () => {
    const t = trace([
      makeApiSpan({ spanId: ROOT, attributes: { 'input.value': 'q', 'output.value': 'a' } }),
      makeApiSpan({ parent: ROOT, startMs: 1_767_225_600_001, attributes: { 'openinference.span.kind': 'RETRIEVER', 'retrieval.documents': [{ document: { id: 'n1', content: 'nested' } }] } }),
      makeApiSpan({
        parent: ROOT,
        startMs: 1_767_225_600_002,
        attributes: {
          'openinference.span.kind': 'RETRIEVER',
          'retrieval.documents.1.document.content': 'second',
          'retrieval.documents.0.document.content': 'first',
          'retrieval.documents.0.document.id': 'f0',
        },
      }),
    ]);
    expect(extractRecord(t).context).toEqual([{ id: 'n1', content: 'nested' }, { id: 'f0', content: 'first' }, { content: 'second' }]);
  });

  test('expectation assessments become expectations; token usage and cost are read from the trace', () => {
    const t = makeRagTrace({
      question: 'q',
      answer: 'a',
      docs: [],
      info: {
        trace_metadata: { 'mlflow.trace.tokenUsage': '{"input_tokens":120,"output_tokens":30,"total_tokens":150}' },
        assessments: [
          { assessment_name: 'expected_response', expectation: { value: 'Twelve hours.' } },
          { assessment_name: 'expected_retrieved_context', expectation: { value: [{ doc_uri: 'd1' }] } },
        ],
      },
    });
    expect(extractRecord(t)).toMatchObject({ expectations: { expectedAnswer: 'Twelve hours.', relevantDocIds: ['d1'] }, inputTokens: 120, outputTokens: 30 });
  });

  test('selectors override the defaults', () => {
    const t = makeRagTrace({ question: 'q', answer: 'a', docs: [] });
    expect(extractRecord(t, { question: () => 'custom question' }).question).toBe('custom question');
  });
});
