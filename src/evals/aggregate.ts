import type { EvaluationResult, Scorer } from './types.js';

/** One row of the per-trace table: a scorer's result on one record. */
export interface ResultRow {
  id: string;
  scorer: string;
  score?: number;
  label?: string | boolean;
  passed?: boolean;
  error?: string;
  explanation?: string;
  judgeCalls: number;
  judgeCostUsd: number;
  judgeLatencyMs: number;
  judgeTokens: number;
}

export interface ScorerSummary {
  scorer: string;
  kind: 'CODE' | 'LLM_JUDGE';
  version: string;
  count: number;
  errors: number;
  mean?: number;
  passRate?: number;
  p50?: number;
  p95?: number;
  judgeCalls: number;
  judgeCostUsd: number;
  /** Mean judge time per judged record (all calls and retries of that record). */
  judgeLatencyMsMean?: number;
  judgeTokens: number;
}

/**
 * Percentile with linear interpolation between closest ranks (numpy's default): p50 of
 * [1, 2, 3, 4] is 2.5.
 *
 * @example
 * percentile([10, 20, 30, 40, 50], 95); // 48
 */
export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Whether a result passes its scorer's threshold; undefined when the scorer has none or it errored.
 *
 * @example
 * passed(latencyScorer({ maxMs: 200 }), { score: 150 }); // true
 */
export function passed(scorer: Scorer, r: EvaluationResult): boolean | undefined {
  if (scorer.passThreshold === undefined || r.score === undefined || r.error) return undefined;
  return scorer.direction === 'minimize' ? r.score <= scorer.passThreshold : r.score >= scorer.passThreshold;
}

/**
 * One row of the per-trace table from a scorer's result.
 *
 * @example
 * toRow('tr-1', groundedness, { score: 0.5, explanation: '1/2 claims supported' });
 */
export function toRow(id: string, scorer: Scorer, r: EvaluationResult): ResultRow {
  return {
    id,
    scorer: scorer.name,
    score: r.score,
    label: r.label,
    passed: passed(scorer, r),
    error: r.error ? `${r.error.code}: ${r.error.message}` : undefined,
    explanation: r.explanation,
    judgeCalls: r.usage?.calls ?? 0,
    judgeCostUsd: r.usage?.costUsd ?? 0,
    judgeLatencyMs: r.usage?.latencyMs ?? 0,
    judgeTokens: (r.usage?.inputTokens ?? 0) + (r.usage?.outputTokens ?? 0),
  };
}

/**
 * Per-scorer aggregates over result rows: mean, pass rate and p50/p95 of the scores (errors left
 * out of all three and counted apart), plus what the judge cost.
 *
 * @example
 * summarize([groundedness], rows)[0]; // { scorer: 'groundedness', mean: 0.83, passRate: 0.5, … }
 */
export function summarize(scorers: Scorer[], rows: ResultRow[]): ScorerSummary[] {
  return scorers.map((s) => {
    const mine = rows.filter((r) => r.scorer === s.name);
    const scores = mine.filter((r) => !r.error && r.score !== undefined).map((r) => r.score!);
    const verdicts = mine.filter((r) => r.passed !== undefined);
    const judged = mine.filter((r) => r.judgeCalls > 0);
    return {
      scorer: s.name,
      kind: s.kind,
      version: s.version,
      count: mine.length,
      errors: mine.filter((r) => r.error).length,
      mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : undefined,
      passRate: verdicts.length ? verdicts.filter((r) => r.passed).length / verdicts.length : undefined,
      p50: percentile(scores, 50),
      p95: percentile(scores, 95),
      judgeCalls: mine.reduce((a, r) => a + r.judgeCalls, 0),
      judgeCostUsd: mine.reduce((a, r) => a + r.judgeCostUsd, 0),
      judgeLatencyMsMean: judged.length ? judged.reduce((a, r) => a + r.judgeLatencyMs, 0) / judged.length : undefined,
      judgeTokens: mine.reduce((a, r) => a + r.judgeTokens, 0),
    };
  });
}
