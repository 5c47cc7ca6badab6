import type { Scorer } from '../types.js';
import { normalizeAnswer } from './text.js';
import { expectedAnswerScorer } from './code-scorer.js';

/**
 * 1 when the answer equals the expected answer, else 0. Compared after SQuAD normalisation unless
 * `normalize` is false.
 *
 * @example
 * exactMatch('The Eiffel Tower.', 'eiffel tower'); // 1
 */
export function exactMatch(answer: string, expected: string, normalize = true): number {
  return (normalize ? normalizeAnswer(answer) === normalizeAnswer(expected) : answer === expected) ? 1 : 0;
}

/** @example const s = exactMatchScorer(); await s.evaluate({ id: '1', answer: 'Paris', expectations: { expectedAnswer: 'paris' } }); */
export function exactMatchScorer(opts: { normalize?: boolean } = {}): Scorer {
  return expectedAnswerScorer({
    name: 'exact_match',
    passThreshold: 1,
    compare(answer, expected) {
      const score = exactMatch(answer, expected, opts.normalize ?? true);
      return { score, label: score === 1, explanation: score ? 'answer matches the expected answer' : 'answer differs from the expected answer' };
    },
  });
}
