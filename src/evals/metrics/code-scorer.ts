import { missingInput } from '../llm/common.js';
import type { EvaluationResult, Scorer } from '../types.js';

/**
 * A deterministic check of the answer (contains, regex, JSON validity…) scored 1 or 0, with
 * "score is 1" as the label. A record without an answer is checked as the empty string.
 *
 * @example
 * answerCheckScorer('shouting', (answer) => ({ score: answer === answer.toUpperCase() ? 1 : 0, explanation: 'all caps?' }));
 */
export function answerCheckScorer(name: string, check: (answer: string) => { score: number; explanation: string }): Scorer {
  return {
    name,
    version: '1',
    kind: 'CODE',
    passThreshold: 1,
    async evaluate(r) {
      const { score, explanation } = check(r.answer ?? '');
      return { score, label: score === 1, explanation };
    },
  };
}

/**
 * A deterministic comparison of the answer with `expectations.expectedAnswer` (exact match,
 * token F1, ROUGE-L); a record without an expected answer is a MISSING_INPUT error.
 *
 * @example
 * expectedAnswerScorer({ name: 'same_length', passThreshold: 1, compare: (a, e) => ({ score: a.length === e.length ? 1 : 0 }) });
 */
export function expectedAnswerScorer(opts: { name: string; passThreshold: number; compare(answer: string, expected: string): EvaluationResult }): Scorer {
  return {
    name: opts.name,
    version: '1',
    kind: 'CODE',
    passThreshold: opts.passThreshold,
    async evaluate(r) {
      const expected = r.expectations?.expectedAnswer;
      if (expected === undefined) return missingInput(opts.name, 'an expected answer');
      return opts.compare(r.answer ?? '', expected);
    },
  };
}
