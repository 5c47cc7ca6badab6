import type { Scorer } from '../types.js';
import { normalizeAnswer } from './text.js';
import { missingInput } from '../llm/common.js';

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
  return {
    name: 'exact_match',
    version: '1',
    kind: 'CODE',
    passThreshold: 1,
    async evaluate(r) {
      const expected = r.expectations?.expectedAnswer;
      if (expected === undefined) return missingInput('exact_match', 'an expected answer');
      const score = exactMatch(r.answer ?? '', expected, opts.normalize ?? true);
      return { score, label: score === 1, explanation: score ? 'answer matches the expected answer' : 'answer differs from the expected answer' };
    },
  };
}
