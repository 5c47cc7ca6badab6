import type { TraceInfo } from './trace.js';

export interface Agreement {
  scorer: string;
  /** Traces holding both a judge and a human verdict of this name. */
  n: number;
  accuracy?: number;
  kappa?: number;
  labels: string[];
  /** confusion[judge][human] = count. */
  confusion: Record<string, Record<string, number>>;
}

/**
 * Maps a feedback value to a category so judges and humans can be compared: booleans and
 * yes/no/pass/fail/correct/incorrect words become `yes`/`no`; numbers become `yes` at or above
 * `threshold`; other strings are compared as lower-case categories.
 *
 * @example
 * toCategory(0.75); // 'yes'
 */
export function toCategory(value: unknown, threshold = 0.5): string | undefined {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return value >= threshold ? 'yes' : 'no';
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (['yes', 'true', 'pass', 'correct', 'relevant', 'supported'].includes(v)) return 'yes';
  if (['no', 'false', 'fail', 'incorrect', 'irrelevant', 'unsupported'].includes(v)) return 'no';
  return v;
}

/**
 * Cohen's kappa from paired labels: κ = (pₒ − pₑ) / (1 − pₑ), with pₒ the observed agreement and
 * pₑ = Σ_c p_judge(c) · p_human(c). When both raters use one single label pₑ = 1 and κ is defined
 * as 1 (perfect, trivial agreement).
 *
 * @example
 * cohensKappa([['yes', 'yes'], ['no', 'no'], ['yes', 'no'], ['no', 'no']]); // pₒ = 0.75, pₑ = 0.5 → 0.5
 */
export function cohensKappa(pairs: [string, string][]): number | undefined {
  if (!pairs.length) return undefined;
  const n = pairs.length;
  const po = pairs.filter(([a, b]) => a === b).length / n;
  const labels = new Set(pairs.flat());
  let pe = 0;
  for (const c of labels) pe += (pairs.filter(([a]) => a === c).length / n) * (pairs.filter(([, b]) => b === c).length / n);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}

/**
 * Agreement between LLM_JUDGE and HUMAN feedback of the same name on the same traces: accuracy,
 * Cohen's kappa and the confusion matrix. The latest valid assessment of each source counts.
 *
 * @example
 * const a = judgeAgreement(await client.searchTraces('1'), 'groundedness');
 * console.log(a.accuracy, a.kappa);
 */
export function judgeAgreement(traces: TraceInfo[], scorer: string, threshold = 0.5): Agreement {
  const pairs: [string, string][] = [];
  for (const t of traces) {
    const mine = (t.assessments ?? []).filter((a) => a.assessment_name === scorer && a.valid !== false && a.feedback && !a.feedback.error);
    const last = (type: string) => mine.filter((a) => a.source?.source_type === type).at(-1);
    const j = toCategory(last('LLM_JUDGE')?.feedback?.value, threshold);
    const h = toCategory(last('HUMAN')?.feedback?.value, threshold);
    if (j !== undefined && h !== undefined) pairs.push([j, h]);
  }
  const labels = [...new Set(pairs.flat())].sort();
  const confusion: Record<string, Record<string, number>> = {};
  for (const a of labels) confusion[a] = Object.fromEntries(labels.map((b) => [b, 0]));
  for (const [j, h] of pairs) confusion[j][h]++;
  return {
    scorer,
    n: pairs.length,
    accuracy: pairs.length ? pairs.filter(([a, b]) => a === b).length / pairs.length : undefined,
    kappa: cohensKappa(pairs),
    labels,
    confusion,
  };
}
