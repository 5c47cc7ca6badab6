import { describe, expect, test } from 'vitest';
import { judgeAgreement, toCategory } from '../../src/evals/agreement.js';
import type { TraceInfo } from '../../src/evals/trace.js';
import { formatAgreement, formatReport } from '../../src/cli/evaluate.js';
import { summarize, toRow } from '../../src/evals/aggregate.js';
import { latencyScorer } from '../../src/evals/metrics/operational.js';

const fb = (source: string, value: unknown, extra: object = {}) => ({ assessment_name: 'groundedness', source: { source_type: source }, feedback: { value }, ...extra });
const trace = (id: string, ...assessments: object[]): TraceInfo => ({ trace_id: id, assessments: assessments as TraceInfo['assessments'] });

describe('judge agreement with human labels', () => {
  test.for([
    [true, 'yes'],
    [false, 'no'],
    [0.5, 'yes'],
    [0.49, 'no'],
    ['Correct', 'yes'],
    ['irrelevant', 'no'],
    ['Neutral', 'neutral'],
    [null, undefined],
  ] as const)('feedback %j counts as %j', ([value, category]) => {
    expect(toCategory(value)).toBe(category);
  });

  test('accuracy, kappa and the confusion matrix come from traces holding both verdicts', () => {
    const traces = [
      trace('t1', fb('LLM_JUDGE', 1), fb('HUMAN', true)),
      trace('t2', fb('LLM_JUDGE', 0), fb('HUMAN', false)),
      trace('t3', fb('LLM_JUDGE', 1), fb('HUMAN', false)),
      trace('t4', fb('LLM_JUDGE', 0.25), fb('HUMAN', 'no')),
      // judge only: not counted
      trace('t5', fb('LLM_JUDGE', 1)),
      // an overridden judge verdict and an errored one are ignored; the valid one counts
      trace('t6', fb('LLM_JUDGE', 0, { valid: false }), { assessment_name: 'groundedness', source: { source_type: 'LLM_JUDGE' }, feedback: { error: { error_code: 'X' } } }, fb('LLM_JUDGE', 1), fb('HUMAN', true)),
    ];
    const a = judgeAgreement(traces, 'groundedness');
    // pairs (j,h): yy, nn, yn, nn, yy → pₒ = 4/5; judge yes 3/5, human yes 2/5 → pₑ = 6/25 + 6/25 = 12/25 → κ = (20/25 − 12/25)/(13/25) = 8/13
    expect(a).toMatchObject({ n: 5, accuracy: 0.8, labels: ['no', 'yes'], confusion: { yes: { yes: 2, no: 1 }, no: { yes: 0, no: 2 } } });
    expect(a.kappa).toBeCloseTo(8 / 13, 10);
    expect(formatAgreement(a)).toContain("accuracy 80.0%   Cohen's kappa 0.615");
  });

  test('with no paired traces the report says so instead of printing NaN', () => {
    expect(formatAgreement(judgeAgreement([trace('t', fb('HUMAN', true))], 'groundedness'))).toBe("No trace has both LLM_JUDGE and HUMAN feedback named 'groundedness'.\n");
  });
});

describe('the CLI summary', () => {
  test('shows one line per scorer and says how many pairs were skipped', () => {
    const s = latencyScorer({ maxMs: 200 });
    const rows = [toRow('a', s, { score: 100 }), toRow('b', s, { score: 300 })];
    const text = formatReport({ rows, summary: summarize([s], rows), considered: 2, skipped: 3, wallMs: 1500, runId: 'abc' });
    expect(text).toMatchInlineSnapshot(`
      "scorer   n  errors     mean   pass      p50      p95  judge calls  judge \$  judge ms/rec
      -------  -  ------  -------  -----  -------  -------  -----------  -------  ------------
      latency  2       0  200.000  50.0%  200.000  290.000            0        –             –

      2 traces considered, 3 (trace, scorer) pairs already judged and skipped (use --force to re-judge), 1.5 s
      MLflow run: abc
      "
    `);
  });
});
