import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { autolog, flush, GlassboxError, init, recordPromptUse, shutdown, startRun, trace, withSpan } from '../../src/tracing/index.js';
import { startOpenAIFake, type OpenAIFake } from '../helpers/openai-fake.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let fake: OpenAIFake;
beforeAll(async () => {
  [server, fake] = await Promise.all([startTestServer(), startOpenAIFake()]);
});
afterAll(async () => {
  await shutdown();
  await Promise.all([server.close(), fake.close()]);
});

/** An OTLP-JSON AnyValue, decoded the way MLflow's client does (strings are JSON-decoded when they parse). */
function anyValue(v: any): unknown {
  if (v.kvlist_value) return Object.fromEntries(v.kvlist_value.values.map((kv: any) => [kv.key, anyValue(kv.value)]));
  if (v.array_value) return v.array_value.values.map(anyValue);
  if (v.int_value !== undefined) return Number(v.int_value);
  const raw = v.string_value ?? v.double_value ?? v.bool_value;
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function attr(span: any, key: string): unknown {
  const kv = span.attributes.find((a: any) => a.key === key);
  return kv ? anyValue(kv.value) : undefined;
}

describe('tracing into a real Glassbox server', () => {
  test('a traced agent with a retriever and an openai call arrives as one trace with the right tree, types and usage', async () => {
    init({ trackingUri: server.url, experiment: 'e2e-support-bot' });
    const client = autolog.openai(new OpenAI({ baseURL: fake.baseURL, apiKey: 'x', maxRetries: 0 }));
    const answer = trace(async function answer(question: string) {
      const docs = await withSpan('retrieve', { spanType: 'RETRIEVER', inputs: { query: question } }, async () => ['Refunds take 5 days.']);
      const r = await client.chat.completions.create({
        model: 'gpt-fake',
        messages: [{ role: 'system', content: docs.join('\n') }, { role: 'user', content: question }],
      });
      return r.choices[0].message.content;
    }, { spanType: 'AGENT' });

    await expect(answer('how long do refunds take')).resolves.toBe('echo: how long do refunds take');
    await flush();

    const exp = await server.api('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=e2e-support-bot');
    expect(exp.status).toBe(200);
    const experimentId = exp.body.experiment.experiment_id;
    const search = await server.api('POST', '/api/3.0/mlflow/traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
    });
    expect(search.status).toBe(200);
    expect(search.body.traces).toHaveLength(1);
    const info = search.body.traces[0];
    expect(info.trace_id).toMatch(/^tr-[0-9a-f]{32}$/);
    expect(info.state).toBe('OK');
    expect(info.tags['mlflow.traceName']).toBe('answer');
    expect(JSON.parse(info.trace_metadata['mlflow.trace.tokenUsage'])).toEqual({ input_tokens: 9, output_tokens: 6, total_tokens: 15 });
    expect(JSON.parse(info.request_preview)).toEqual({ question: 'how long do refunds take' });

    const got = await server.api('GET', `/api/3.0/mlflow/traces/get?trace_id=${info.trace_id}&allow_partial=False`);
    expect(got.status).toBe(200);
    const spans: any[] = got.body.trace.spans;
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['Completions', 'answer', 'retrieve']);
    expect(byName.answer.parent_span_id ?? '').toBe('');
    expect(byName.retrieve.parent_span_id).toBe(byName.answer.span_id);
    expect(byName.Completions.parent_span_id).toBe(byName.answer.span_id);
    expect(attr(byName.answer, 'mlflow.spanType')).toBe('AGENT');
    expect(attr(byName.answer, 'mlflow.spanInputs')).toEqual({ question: 'how long do refunds take' });
    expect(attr(byName.answer, 'mlflow.spanOutputs')).toBe('echo: how long do refunds take');
    expect(attr(byName.retrieve, 'mlflow.spanType')).toBe('RETRIEVER');
    expect(attr(byName.Completions, 'mlflow.spanType')).toBe('CHAT_MODEL');
    expect(attr(byName.Completions, 'mlflow.chat.tokenUsage')).toEqual({ input_tokens: 9, output_tokens: 6, total_tokens: 15 });
    expect(attr(byName.Completions, 'mlflow.traceRequestId')).toBe(info.trace_id);
  });
});

describe('trace links', () => {
  test('prompt versions used and the active run are linked to the trace once it is stored', async () => {
    init({ trackingUri: server.url, experiment: 'e2e-links' });
    const run = await startRun({ runName: 'eval' });
    const traced = trace(async function withPrompt() {
      recordPromptUse({ name: 'qa-prompt', version: 3 });
      return 'ok';
    });
    await traced();
    await flush();
    await run.endRun();

    const exp = await server.api('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=e2e-links');
    const search = await server.api('POST', '/api/3.0/mlflow/traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp.body.experiment.experiment_id } }],
    });
    const [info] = search.body.traces;
    expect(JSON.parse(info.tags['mlflow.linkedPrompts'])).toEqual([{ name: 'qa-prompt', version: '3' }]);
    expect(info.trace_metadata['mlflow.sourceRun']).toBe(run.runId);
  });
});

describe('run logging into a real Glassbox server', () => {
  test('params, metrics, tags, an artifact and a nested run are stored as MLflow would store them', async () => {
    init({ trackingUri: server.url, experiment: 'e2e-runs' });
    const run = await startRun({ runName: 'prompt-v2', tags: { team: 'support' } });
    run.logParams({ model: 'gpt-fake', temperature: 0.2 }).setTag('stage', 'dev');
    for (let step = 0; step < 3; step++) run.logMetric('accuracy', 0.5 + step / 10, { step });
    const dir = mkdtempSync(join(tmpdir(), 'gb-artifact-'));
    writeFileSync(join(dir, 'report.txt'), 'all good');
    await run.logArtifact(join(dir, 'report.txt'), 'reports');
    const child = await startRun({ runName: 'fold-1', nested: true });
    child.logMetric('loss', 0.25);
    await child.endRun();
    await run.endRun();

    const got = await server.api('GET', `/api/2.0/mlflow/runs/get?run_id=${run.runId}`);
    expect(got.status).toBe(200);
    const { info, data } = got.body.run;
    expect(info.status).toBe('FINISHED');
    expect(info.run_name).toBe('prompt-v2');
    expect(Object.fromEntries(data.params.map((p: any) => [p.key, p.value]))).toEqual({ model: 'gpt-fake', temperature: '0.2' });
    expect(data.metrics).toEqual([expect.objectContaining({ key: 'accuracy', value: 0.7, step: 2 })]);
    const tags = Object.fromEntries(data.tags.map((t: any) => [t.key, t.value]));
    expect(tags).toMatchObject({ team: 'support', stage: 'dev', 'mlflow.source.type': 'LOCAL' });

    const childRun = await server.api('GET', `/api/2.0/mlflow/runs/get?run_id=${child.runId}`);
    expect(childRun.body.run.data.tags).toContainEqual({ key: 'mlflow.parentRunId', value: run.runId });

    const artifactPath = `${info.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/reports/report.txt`;
    const file = await server.api('GET', `/api/2.0/mlflow-artifacts/artifacts/${artifactPath}`);
    expect(file.status).toBe(200);
    expect(file.text).toBe('all good');
  });

  test('a server-side rejection surfaces as a GlassboxError with MLflow\'s error code', async () => {
    init({ trackingUri: server.url, experiment: 'e2e-runs' });
    const run = await startRun();
    run.logParam('lr', 0.1);
    await run.flush();
    run.logParam('lr', 0.2); // MLflow forbids changing a param
    const err = await run.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlassboxError);
    expect((err as GlassboxError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect((err as GlassboxError).status).toBe(400);
    await run.endRun('FAILED');
    const got = await server.api('GET', `/api/2.0/mlflow/runs/get?run_id=${run.runId}`);
    expect(got.body.run.info.status).toBe('FAILED');
  });
});
