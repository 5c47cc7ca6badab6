import { expectedAnswerScorer } from './code-scorer.js';
import type { Scorer } from '../types.js';
import { tokens } from './text.js';

/**
 * SQuAD token F1: with normalised tokens, common = multiset overlap, P = common/|answer|,
 * R = common/|expected|, F1 = 2PR/(P+R). Two empty strings score 1; one empty string scores 0.
 *
 * @example
 * tokenF1('the cat sat', 'cat sat down'); // P = 2/2, R = 2/3 → 0.8
 */
export function tokenF1(answer: string, expected: string): number {
  const a = tokens(answer);
  const e = tokens(expected);
  if (a.length === 0 && e.length === 0) return 1;
  if (a.length === 0 || e.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of e) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const p = common / a.length;
  const r = common / e.length;
  return (2 * p * r) / (p + r);
}

/** @example tokenF1Scorer().evaluate({ id: '1', answer: 'cat sat', expectations: { expectedAnswer: 'the cat sat down' } }) */
export function tokenF1Scorer(opts: { passThreshold?: number } = {}): Scorer {
  return expectedAnswerScorer({
    name: 'token_f1',
    passThreshold: opts.passThreshold ?? 0.5,
    compare(answer, expected) {
      const score = tokenF1(answer, expected);
      return { score, explanation: `token F1 ${score.toFixed(3)} against the expected answer` };
    },
  });
}
