import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate.js';
import { evaluate } from '../../src/evals/evaluate.js';
import { StartEvaluationResponse } from '../../src/server/routes/evaluations.js';
import { cancelJob } from '../../src/store/evaluations.js';
import { createAnswerRelevanceJudge } from '../../src/evals/llm/answer-relevance.js';
import { createContextRelevanceJudge } from '../../src/evals/llm/context-relevance.js';
import { createCustomJudge } from '../../src/evals/llm/custom-judge.js';
import { createGroundednessJudge } from '../../src/evals/llm/groundedness.js';
import { latencyScorer } from '../../src/evals/metrics/operational.js';
import { startFakeJudge, type FakeJudge } from '../helpers/judge-fake.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { dataset, fakeJudge } from './helpers.js';

const hex = (n: number) => randomBytes(n).toString('hex');
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One RAG trace as OTLP/JSON: a CHAIN root (question → answer) and a RETRIEVER child, MLflow attribute style. */
function otlpRagTrace(rec: (typeof dataset)[number], startMs: number) {
  const traceId = hex(16);
  const root = hex(8);
  const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
  const docs = rec.context!.map((c) => ({ page_content: c.content, metadata: { doc_uri: c.id } }));
  return {
    traceId: `tr-${traceId}`,
    spans: [
      {
        traceId,
        spanId: root,
        name: 'rag',
        kind: 1,
        startTimeUnixNano: ns(startMs),
        endTimeUnixNano: ns(startMs + 300),
        attributes: [str('mlflow.spanType', '"CHAIN"'), str('mlflow.spanInputs', JSON.stringify({ question: rec.question })), str('mlflow.spanOutputs', JSON.stringify(rec.answer))],
        status: { code: 1 },
      },
      {
        traceId,
        spanId: hex(8),
        parentSpanId: root,
        name: 'retrieve',
        kind: 1,
        startTimeUnixNano: ns(startMs + 10),
        endTimeUnixNano: ns(startMs + 60),
        attributes: [str('mlflow.spanType', '"RETRIEVER"'), str('mlflow.spanInputs', JSON.stringify({ query: rec.question })), str('mlflow.spanOutputs', JSON.stringify(docs))],
        status: { code: 1 },
      },
    ],
  };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: evaluating traces on a real Glassbox server`, () => {
    let s: TestServer;
    let fake: FakeJudge;
    let experimentId: string;
    const experimentName = `support-bot-${hex(4)}`;
    const traceIds: string[] = [];

    beforeAll(async () => {
      [s, fake] = await Promise.all([startTestServer(dialect), startFakeJudge()]);
      const created = await s.api('POST', '/api/2.0/mlflow/experiments/create', { name: experimentName });
      expect(created.status, created.text).toBe(200);
      experimentId = created.body.experiment_id;
      const traces = dataset.map((r, i) => otlpRagTrace(r, 1_767_225_600_000 + i * 1000));
      const body = { resourceSpans: [{ resource: { attributes: [str('service.name', 'rag-app')] }, scopeSpans: [{ scope: { name: 'test' }, spans: traces.flatMap((t) => t.spans) }] }] };
      const posted = await s.api('POST', '/v1/traces', body, { 'x-mlflow-experiment-id': experimentId });
      expect(posted.status, posted.text).toBe(200);
      traceIds.push(...traces.map((t) => t.traceId));
    });
    afterAll(async () => {
      await Promise.all([s?.close(), fake?.close()]);
    });
    beforeEach(() => {
      fake.requests.length = 0;
    });

    const searchTraces = async () => {
      const r = await s.api('POST', '/api/3.0/mlflow/traces/search', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }], max_results: 100 });
      expect(r.status, r.text).toBe(200);
      return r.body.traces as { trace_id: string; assessments?: any[] }[];
    };

    test('scores become assessments visible to trace search, and the job becomes a finished MLflow run', async () => {
      const judge = fakeJudge(fake);
      const scorers = [createGroundednessJudge({ judge }), createContextRelevanceJudge({ judge }), createAnswerRelevanceJudge({ judge }), latencyScorer()];
      const report = await evaluate({ tracking: { trackingUri: s.url, experiment: experimentName, runName: 'nightly' }, scorers, params: { judge_model: 'fake-judge' } });
      expect(report).toMatchObject({ considered: 6, skipped: 0 });
      expect(report.summary[0].mean).toBeCloseTo(3.5 / 6, 10);

      const traces = await searchTraces();
      const r2 = traces.find((t) => t.trace_id === traceIds[1])!;
      const g = r2.assessments!.find((a) => a.assessment_name === 'groundedness');
      expect(g).toMatchObject({ source: { source_type: 'LLM_JUDGE', source_id: 'fake-judge' }, feedback: { value: 0.5 }, metadata: { judge_model: 'fake-judge', 'glassbox.scorer_version': '1' } });
      expect(g.rationale).toContain('It also glows purple at night.');
      expect(r2.assessments!.find((a) => a.assessment_name === 'latency')).toMatchObject({ source: { source_type: 'CODE' }, feedback: { value: 300 } });

      const run = await s.api('GET', `/api/2.0/mlflow/runs/get?run_id=${report.runId}&run_uuid=${report.runId}`);
      expect(run.status, run.text).toBe(200);
      expect(run.body.run.info).toMatchObject({ status: 'FINISHED', run_name: 'nightly' });
      const metrics = Object.fromEntries(run.body.run.data.metrics.map((m: any) => [m.key, m.value]));
      expect(metrics['groundedness/pass_rate']).toBe(0.5);
      expect(metrics['latency/p50']).toBe(300);
      expect(run.body.run.data.params).toEqual(expect.arrayContaining([{ key: 'judge_model', value: 'fake-judge' }, { key: 'scorer.groundedness.version', value: '1' }]));
      const path = run.body.run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
      const csv = await s.api('GET', `/api/2.0/mlflow-artifacts/artifacts/${path}/eval_results.csv`);
      expect(csv.status).toBe(200);
      expect(csv.text.split('\n')[0]).toBe('id,scorer,score,label,passed,error,explanation,judgeCalls,judgeCostUsd,judgeLatencyMs,judgeTokens');
      expect(csv.text.trim().split('\n')).toHaveLength(1 + 24);
    });

    test('running the same job again judges nothing: every trace already has these assessments', async () => {
      const judge = fakeJudge(fake);
      const report = await evaluate({ tracking: { trackingUri: s.url, experiment: experimentId, logRun: false }, scorers: [createGroundednessJudge({ judge })] });
      expect(report).toMatchObject({ considered: 6, skipped: 6, rows: [] });
      expect(fake.requests).toHaveLength(0);
    });

    test('a judge that never answers in the expected format leaves error assessments and the job still finishes', async () => {
      const broken = createCustomJudge({ judge: fakeJudge(fake), name: 'tone_check', output: { type: 'boolean' }, template: 'MALFORMED_ALWAYS Is this polite? {{outputs}}' });
      const report = await evaluate({ tracking: { trackingUri: s.url, experiment: experimentId, logRun: false }, scorers: [broken] });
      expect(report.summary[0]).toMatchObject({ count: 6, errors: 6, judgeCalls: 12 });
      const a = (await searchTraces())[0].assessments!.find((x) => x.assessment_name === 'tone_check');
      expect(a).toMatchObject({ source: { source_type: 'LLM_JUDGE' }, feedback: { error: { error_code: 'MALFORMED_JUDGE_OUTPUT' } }, metadata: { judge_calls: '2' } });
      expect(a.feedback.error.error_message).toContain('reply was: Sure! The verdict is');
    });

    test('a job started over REST runs in the server and can be polled to its summary', async () => {
      process.env.GLASSBOX_JUDGE_BASE_URL = fake.baseURL;
      process.env.GLASSBOX_JUDGE_MODEL = 'fake-judge';
      const started = await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: experimentId, scorers: ['answer_relevance', 'token_count'], concurrency: 4 });
      expect(started.status, started.text).toBe(200);
      const id = started.body.job.job_id;
      let job = started.body.job;
      for (let i = 0; i < 300 && (job.status === 'PENDING' || job.status === 'RUNNING'); i++) {
        await new Promise((ok) => setTimeout(ok, 50));
        job = (await s.api('GET', `/ajax-api/2.0/glassbox/evaluations/${id}`)).body.job;
      }
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'SUCCEEDED', progress: { total: 6, done: 6 } });
      // answer_relevance was judged earlier in this file, so only token_count is new… and traces carry no token usage.
      expect(job.progress.skipped).toBe(6);
      expect(job.summary.find((x: any) => x.scorer === 'token_count')).toMatchObject({ count: 6, errors: 6 });
      expect(job.run_id).toMatch(/^[0-9a-f]{32}$/);
      const listed = await s.api('GET', `/api/2.0/glassbox/evaluations?experiment_id=${experimentId}`);
      expect(listed.body.jobs.map((j: any) => j.job_id)).toContain(id);
      const withResults = await s.api('GET', `/api/3.0/glassbox/evaluations/${id}?include_results=true`);
      expect(withResults.body.results).toHaveLength(6);
    });

    /** Starts a slow forced groundedness job (one record at a time, 500 ms per judge call) and waits until it has judged something. */
    const startSlowJob = async () => {
      process.env.GLASSBOX_JUDGE_BASE_URL = fake.baseURL;
      process.env.GLASSBOX_JUDGE_MODEL = 'fake-judge';
      fake.latencyMs = 500;
      const started = await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: experimentId, scorers: ['groundedness'], concurrency: 1, force: true });
      expect(started.status, started.text).toBe(200);
      const id: string = started.body.job.job_id;
      for (let i = 0; i < 100 && fake.requests.length === 0; i++) await new Promise((ok) => setTimeout(ok, 50));
      return id;
    };
    /** Judge calls stop growing once the records in flight are done (the job takes no new ones). */
    const judgeCallsSettle = async () => {
      let before = -1;
      for (let i = 0; i < 40 && before !== fake.requests.length; i++) {
        before = fake.requests.length;
        await new Promise((ok) => setTimeout(ok, 800));
      }
      return fake.requests.length;
    };

    test('cancelling a running job stops it: it stays CANCELLED with partial progress, logs no run, and cannot be cancelled twice', async () => {
      try {
        const id = await startSlowJob();
        const cancelled = await s.api('POST', `/ajax-api/2.0/glassbox/evaluations/${id}/cancel`, {});
        expect(cancelled.status, cancelled.text).toBe(200);
        expect(StartEvaluationResponse.parse(cancelled.body).job.status).toBe('CANCELLED');
        const calls = await judgeCallsSettle();
        await new Promise((ok) => setTimeout(ok, 500));
        const job = (await s.api('GET', `/api/2.0/glassbox/evaluations/${id}`)).body.job;
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'CANCELLED' });
        expect(job.progress.done).toBeLessThan(dataset.length);
        expect(job.finished_at).toBeGreaterThan(0);
        expect(job.run_id).toBeUndefined();
        expect(fake.requests.length).toBe(calls);
        const again = await s.api('POST', `/api/2.0/glassbox/evaluations/${id}/cancel`, {});
        expect(again.status).toBe(400);
        expect(again.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: `Evaluation job ${id} has already finished (CANCELLED); only PENDING or RUNNING jobs can be cancelled` });
        expect((await s.api('POST', '/api/2.0/glassbox/evaluations/ev-missing/cancel', {})).status).toBe(404);
      } finally {
        fake.latencyMs = 0;
      }
    });

    test('a job cancelled in the database by another replica notices within a second and stops', async () => {
      try {
        const id = await startSlowJob();
        expect(await cancelJob(s.store.db, id)).toBe(true);
        await judgeCallsSettle();
        const job = (await s.api('GET', `/api/2.0/glassbox/evaluations/${id}`)).body.job;
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'CANCELLED' });
        expect(job.progress.done).toBeLessThan(dataset.length);
      } finally {
        fake.latencyMs = 0;
      }
    });

    test('`glassbox evaluate agreement` compares judge feedback with human feedback of the same name', async () => {
      // Human correctness labels from the fixture; the judge writes its own through the CLI first.
      for (const [i, rec] of dataset.entries()) {
        const r = await s.api('POST', `/api/3.0/mlflow/traces/${traceIds[i]}/assessments`, {
          assessment: { assessment_name: 'correctness', trace_id: traceIds[i], source: { source_type: 'HUMAN', source_id: 'alice' }, feedback: { value: rec.human.correctness === 'correct' } },
        });
        expect(r.status, r.text).toBe(200);
        const e = await s.api('POST', `/api/3.0/mlflow/traces/${traceIds[i]}/assessments`, {
          assessment: { assessment_name: 'expected_response', trace_id: traceIds[i], source: { source_type: 'HUMAN', source_id: 'alice' }, expectation: { value: rec.expectations!.expectedAnswer } },
        });
        expect(e.status, e.text).toBe(200);
      }
      const out: string[] = [];
      const io = () => ({ out: (t: string) => void out.push(t), progress: false, env: { GLASSBOX_JUDGE_BASE_URL: fake.baseURL, GLASSBOX_JUDGE_MODEL: 'fake-judge' } });
      await evaluateCommand(io).parseAsync(['--tracking-uri', s.url, '--experiment', experimentName, '--scorers', 'correctness', '--run-name', 'cli'], { from: 'user' });
      expect(out.join('')).toMatch(/^scorer\s+n\s+errors\s+mean/);
      out.length = 0;
      await evaluateCommand(io).parseAsync(['agreement', '--tracking-uri', s.url, '--experiment', experimentName, '--scorer', 'correctness'], { from: 'user' });
      // Judge says correct on 5 (r6 wrongly), humans on 4: pₒ = 5/6, pₑ = 5/6·4/6 + 1/6·2/6 = 22/36 → κ = 8/14
      expect(out.join('')).toContain("6 traces with both judge and human feedback\naccuracy 83.3%   Cohen's kappa 0.571");
      expect(out.join('')).toMatch(/human no\s+human yes\njudge no\s+1\s+0\njudge yes\s+1\s+4\n/);
    });
  });
}
