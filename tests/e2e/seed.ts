import { randomBytes } from 'node:crypto';
import type { TestServer } from '../helpers/server.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const str = (v: unknown) => ({ stringValue: typeof v === 'string' ? v : JSON.stringify(v) });

export interface SeededSpan {
  name: string;
  type: string;
  parent?: number;
  inputs?: unknown;
  outputs?: unknown;
  error?: string;
  tokens?: { input_tokens: number; output_tokens: number; total_tokens: number };
  model?: string;
  startOffsetMs: number;
  durationMs: number;
}

/** One OTLP/JSON trace in MLflow's span vocabulary; returns the MLflow trace id. */
export async function postTrace(s: TestServer, experimentId: string, spans: SeededSpan[], startMs = Date.now() - 60_000) {
  const traceId = hex(16);
  const ids = spans.map(() => hex(8));
  const ns = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
  const otlpSpans = spans.map((sp, i) => ({
    traceId,
    spanId: ids[i],
    parentSpanId: sp.parent === undefined ? undefined : ids[sp.parent],
    name: sp.name,
    kind: 1,
    startTimeUnixNano: ns(startMs + sp.startOffsetMs),
    endTimeUnixNano: ns(startMs + sp.startOffsetMs + sp.durationMs),
    attributes: [
      { key: 'mlflow.traceRequestId', value: str(`tr-${traceId}`) },
      { key: 'mlflow.spanType', value: str(sp.type) },
      ...(sp.inputs !== undefined ? [{ key: 'mlflow.spanInputs', value: str(sp.inputs) }] : []),
      ...(sp.outputs !== undefined ? [{ key: 'mlflow.spanOutputs', value: str(sp.outputs) }] : []),
      ...(sp.tokens ? [{ key: 'mlflow.chat.tokenUsage', value: str(sp.tokens) }] : []),
      ...(sp.model ? [{ key: 'mlflow.llm.model', value: str(sp.model) }] : []),
    ],
    status: sp.error ? { code: 2, message: sp.error } : { code: 1 },
    events: sp.error ? [{ name: 'exception', timeUnixNano: ns(startMs + sp.startOffsetMs), attributes: [{ key: 'exception.message', value: { stringValue: sp.error } }] }] : [],
  }));
  const body = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'e2e' }, spans: otlpSpans }] }] };
  const r = await s.api('POST', '/v1/traces', body, { 'x-mlflow-experiment-id': experimentId });
  if (r.status !== 200) throw new Error(`OTLP post failed: ${r.status} ${r.text}`);
  return `tr-${traceId}`;
}

export function ragTrace(question: string, answer: string, opts: { error?: string; model?: string } = {}): SeededSpan[] {
  return [
    { name: 'answer_question', type: 'AGENT', inputs: { question }, outputs: opts.error ? undefined : answer, error: opts.error, startOffsetMs: 0, durationMs: 900 },
    { name: 'retrieve', type: 'RETRIEVER', parent: 0, inputs: { query: question }, outputs: [{ page_content: 'Glassbox stores traces in SQLite by default.', metadata: { doc_uri: 'docs/storage.md' } }], startOffsetMs: 10, durationMs: 120 },
    {
      name: 'chat gpt-4o-mini',
      type: 'CHAT_MODEL',
      parent: 0,
      model: opts.model ?? 'gpt-4o-mini',
      inputs: { messages: [{ role: 'system', content: 'Answer from the context.' }, { role: 'user', content: question }] },
      outputs: { choices: [{ message: { role: 'assistant', content: answer } }] },
      tokens: { input_tokens: 120, output_tokens: 30, total_tokens: 150 },
      startOffsetMs: 150,
      durationMs: 700,
    },
  ];
}

/** A trace with `n` spans under one root, for the virtualisation check. */
export function wideTrace(n: number): SeededSpan[] {
  return [
    { name: 'batch', type: 'CHAIN', startOffsetMs: 0, durationMs: n },
    ...Array.from({ length: n - 1 }, (_, i) => ({ name: `step-${i}`, type: 'TOOL', parent: 0, inputs: { i }, outputs: i, startOffsetMs: i, durationMs: 1 })),
  ];
}

async function ok(p: Promise<{ status: number; text: string; body: any }>) {
  const r = await p;
  if (r.status !== 200) throw new Error(`seed call failed: ${r.status} ${r.text}`);
  return r.body;
}

/** Seeds an experiment with runs, artifacts, traces, feedback and a prompt with two versions. */
export async function seed(s: TestServer) {
  const { experiment_id: experimentId } = await ok(s.api('POST', '/api/2.0/mlflow/experiments/create', { name: 'support-bot' }));
  const runIds: string[] = [];
  for (const [i, lr] of ['0.01', '0.001'].entries()) {
    const { run } = await ok(s.api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId, run_name: `train-${i}`, start_time: Date.now() - 10_000 }));
    const id = run.info.run_id;
    runIds.push(id);
    const metrics = Array.from({ length: 20 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1 + i), timestamp: Date.now() - 10_000 + step * 100, step }));
    await ok(s.api('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, metrics, params: [{ key: 'lr', value: lr }, { key: 'model', value: 'gpt-4o-mini' }], tags: [{ key: 'team', value: 'search' }] }));
    await ok(s.api('POST', '/api/2.0/mlflow/runs/update', { run_id: id, status: 'FINISHED', end_time: Date.now() }));
  }
  const root = `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runIds[0]}/artifacts`;
  await ok(s.api('PUT', `${root}/notes/summary.txt`, 'Loss went down nicely.', { 'content-type': 'text/plain' }));
  await ok(s.api('PUT', `${root}/data/eval.csv`, 'question,score\n"What is Glassbox?",0.9\n', { 'content-type': 'text/csv' }));

  const traces: string[] = [];
  traces.push(await postTrace(s, experimentId, ragTrace('Where are traces stored?', 'In SQLite by default.')));
  traces.push(await postTrace(s, experimentId, ragTrace('Where are traces stored?', 'In PostgreSQL when you scale.', { model: 'gpt-4o' })));
  traces.push(await postTrace(s, experimentId, ragTrace('Why did it fail?', '', { error: 'RateLimitError: too many requests' })));
  const wide = await postTrace(s, experimentId, wideTrace(10_000));
  await ok(
    s.api('POST', `/api/3.0/mlflow/traces/${traces[0]}/assessments`, {
      assessment: { assessment_name: 'groundedness', trace_id: traces[0], source: { source_type: 'LLM_JUDGE', source_id: 'gpt-4o-mini' }, feedback: { value: 0.8 }, rationale: 'Supported by docs/storage.md.' },
    }),
  );

  await ok(s.api('POST', '/api/2.0/mlflow/registered-models/create', { name: 'qa-prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }], description: 'first' }));
  for (const text of ['Answer {{question}} briefly.', 'Answer {{question}} briefly, citing {{context}}.']) {
    await ok(
      s.api('POST', '/api/2.0/mlflow/model-versions/create', {
        name: 'qa-prompt',
        source: 'dummy-source',
        description: text.includes('context') ? 'cite context' : 'first',
        tags: [
          { key: 'mlflow.prompt.is_prompt', value: 'true' },
          { key: 'mlflow.prompt.text', value: text },
          { key: '_mlflow_prompt_type', value: 'text' },
        ],
      }),
    );
  }
  await ok(s.api('POST', '/api/2.0/mlflow/traces/link-prompts', { trace_id: traces[0], prompt_versions: [{ name: 'qa-prompt', version: '2' }] }));
  return { experimentId, runIds, traces, wide };
}
