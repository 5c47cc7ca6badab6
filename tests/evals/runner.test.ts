import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { evaluate } from '../../src/evals/evaluate.js';
import { createAnswerRelevanceJudge } from '../../src/evals/llm/answer-relevance.js';
import { createGroundednessJudge } from '../../src/evals/llm/groundedness.js';
import { exactMatchScorer } from '../../src/evals/metrics/exact-match.js';
import { latencyScorer } from '../../src/evals/metrics/operational.js';
import type { ResultSink } from '../../src/evals/runner.js';
import type { Assessment, Trace } from '../../src/evals/trace.js';
import type { TraceSource } from '../../src/evals/trace-source.js';
import type { Scorer } from '../../src/evals/types.js';
import { startFakeJudge, type FakeJudge } from '../helpers/judge-fake.js';
import { dataset, fakeJudge } from './helpers.js';
import { makeRagTrace } from './trace-builders.js';

let fake: FakeJudge;
beforeAll(async () => {
  fake = await startFakeJudge();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('evaluating an in-memory dataset', () => {
  test('aggregates mean, pass rate and p50/p95 per scorer, with judge cost and calls', async () => {
    const judge = fakeJudge(fake, { price: { input: 1, output: 1 } });
    const report = await evaluate({ data: dataset, scorers: [createGroundednessJudge({ judge }), createAnswerRelevanceJudge({ judge }), exactMatchScorer()], concurrency: 3 });
    const [g, ar, em] = report.summary;
    // groundedness scores 1, 0.5, 1, 0, 1, 0 → sorted 0 0 0.5 1 1 1
    expect(g).toMatchObject({ scorer: 'groundedness', count: 6, errors: 0, passRate: 0.5, p50: 0.75, p95: 1, judgeCalls: 6 });
    expect(g.mean).toBeCloseTo(3.5 / 6, 10);
    expect(g.judgeCostUsd).toBeGreaterThan(0);
    // answer relevance: yes everywhere except r4
    expect(ar.mean).toBeCloseTo(5 / 6, 10);
    expect(ar.passRate).toBeCloseTo(5 / 6, 10);
    // None of the answers equals its expected answer word for word.
    expect(em).toMatchObject({ mean: 0, passRate: 0, judgeCalls: 0, judgeCostUsd: 0 });
    expect(report.rows).toHaveLength(18);
  });

  test('a scorer that throws yields error rows, and the other scorers still run', async () => {
    const broken: Scorer = { name: 'broken', version: '1', kind: 'CODE', evaluate: async () => { throw new Error('boom'); } };
    const progress: number[] = [];
    const report = await evaluate({ data: dataset, scorers: [broken, exactMatchScorer()], onProgress: (p) => progress.push(p.failures) });
    expect(report.summary[0]).toMatchObject({ count: 6, errors: 6, mean: undefined });
    expect(report.rows.find((r) => r.scorer === 'broken')?.error).toBe('SCORER_FAILED: boom');
    expect(report.summary[1].count).toBe(6);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('two scorers with one name are refused, since assessments are keyed by name', async () => {
    await expect(evaluate({ data: dataset, scorers: [exactMatchScorer(), exactMatchScorer()] })).rejects.toThrow(/Two scorers are named 'exact_match'/);
  });
});

/** An in-process trace store: the source lists and loads, the sink appends assessments as a server would. */
function memoryTraces(traces: Trace[]) {
  let n = 0;
  const source: TraceSource = {
    search: async () => traces.map((t) => structuredClone(t.info)),
    load: async (ids) => traces.filter((t) => ids.includes(t.info.trace_id)),
  };
  const sink: ResultSink = {
    async write(record, scorer, result, overrides) {
      const info = traces.find((t) => t.info.trace_id === record.id)!.info;
      if (overrides) info.assessments!.find((a) => a.assessment_id === overrides)!.valid = false;
      const a: Assessment = {
        assessment_id: `a-${++n}`,
        assessment_name: scorer.name,
        source: { source_type: scorer.kind },
        feedback: result.error ? { error: { error_code: result.error.code } } : { value: result.score },
        metadata: { 'glassbox.scorer_version': scorer.version },
        valid: true,
      };
      info.assessments!.push(a);
    },
  };
  return { source, sink };
}

const ragTraces = () => dataset.map((r) => makeRagTrace({ id: `tr-${r.id}`, question: r.question!, answer: r.answer!, docs: r.context!.map((c) => ({ id: c.id!, content: c.content })) }));

describe('evaluating traces from a source', () => {
  test('each result is written to the sink as an assessment named after its scorer', async () => {
    const traces = ragTraces();
    const { source, sink } = memoryTraces(traces);
    await evaluate({ source, sink, scorers: [createGroundednessJudge({ judge: fakeJudge(fake) }), latencyScorer()] });
    const r2 = traces[1].info.assessments!;
    expect(r2.map((a) => [a.assessment_name, a.source?.source_type, a.feedback?.value])).toEqual(
      expect.arrayContaining([['groundedness', 'LLM_JUDGE', 0.5], ['latency', 'CODE', 250]]),
    );
  });

  test('an interrupted job resumes without judging any trace twice', async () => {
    const traces = ragTraces();
    const { source, sink } = memoryTraces(traces);
    const scorers = [createGroundednessJudge({ judge: fakeJudge(fake, { cache: false }) })];
    const stop = new AbortController();
    const first = await evaluate({ source, sink, scorers, concurrency: 1, signal: stop.signal, onProgress: (p) => p.done === 2 && stop.abort() });
    expect(first.rows).toHaveLength(2);
    const second = await evaluate({ source, sink, scorers, concurrency: 2 });
    expect(second).toMatchObject({ considered: 6, skipped: 2 });
    expect(second.rows).toHaveLength(4);
    expect(fake.requests).toHaveLength(6);
    const third = await evaluate({ source, sink, scorers });
    expect(third).toMatchObject({ skipped: 6, rows: [] });
    expect(fake.requests).toHaveLength(6);
  });

  test('--force re-judges and the new assessment overrides the old one', async () => {
    const traces = ragTraces();
    const { source, sink } = memoryTraces(traces);
    const scorers = [latencyScorer()];
    await evaluate({ source, sink, scorers });
    const forced = await evaluate({ source, sink, scorers, force: true });
    expect(forced).toMatchObject({ skipped: 0 });
    expect(traces[0].info.assessments!.map((a) => a.valid)).toEqual([false, true]);
  });

  test('a new scorer version re-judges and overrides results of the old version; human feedback never counts', async () => {
    const traces = ragTraces();
    traces[0].info.assessments!.push({ assessment_id: 'human-1', assessment_name: 'latency', source: { source_type: 'HUMAN' }, feedback: { value: 1 } });
    const { source, sink } = memoryTraces(traces);
    await evaluate({ source, sink, scorers: [latencyScorer()] });
    const v2 = { ...latencyScorer(), version: '2' };
    const report = await evaluate({ source, sink, scorers: [v2] });
    expect(report).toMatchObject({ skipped: 0, considered: 6 });
    const latency = traces[0].info.assessments!.filter((a) => a.source?.source_type === 'CODE');
    expect(latency.map((a) => [a.metadata?.['glassbox.scorer_version'], a.valid])).toEqual([['1', false], ['2', true]]);
    expect(traces[0].info.assessments!.find((a) => a.assessment_id === 'human-1')?.valid).toBeUndefined();
  });

  test('an earlier error is not a result: resuming judges that trace again', async () => {
    const traces = ragTraces();
    const { source, sink } = memoryTraces(traces);
    fake.failNext(401);
    const scorers = [createGroundednessJudge({ judge: fakeJudge(fake, { cache: false }) })];
    const first = await evaluate({ source, sink, scorers, concurrency: 1 });
    expect(first.summary[0].errors).toBe(1);
    const second = await evaluate({ source, sink, scorers });
    expect(second).toMatchObject({ skipped: 5 });
    expect(second.summary[0]).toMatchObject({ count: 1, errors: 0 });
  });

  test('sampling keeps the same traces on every run', async () => {
    const many = Array.from({ length: 200 }, (_, i) => makeRagTrace({ id: `tr-s${i}`, question: 'q', answer: 'a', docs: [] }));
    const { source } = memoryTraces(many);
    const a = await evaluate({ source, scorers: [latencyScorer()], sample: 0.2 });
    const b = await evaluate({ source, scorers: [latencyScorer()], sample: 0.2 });
    expect(a.considered).toBeGreaterThan(20);
    expect(a.considered).toBeLessThan(60);
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    expect(ids(b.rows)).toEqual(ids(a.rows));
  });
});
