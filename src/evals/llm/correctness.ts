import type { Judge } from '../judge/judge.js';
import { correctnessTemplate } from '../templates/correctness.js';
import type { JudgeTemplate } from '../templates/template.js';
import type { Scorer } from '../types.js';
import { verdictScorer } from './judge-scorer.js';

/**
 * Correctness against `expectations.expectedAnswer`: `correct` (1) when every expected fact is
 * present and none is contradicted, else `incorrect` (0).
 *
 * @example
 * const c = createCorrectnessJudge({ judge });
 * await c.evaluate({ id: '1', question: 'Capital of France?', answer: 'Paris', expectations: { expectedAnswer: 'Paris' } });
 */
export function createCorrectnessJudge(opts: { judge: Judge; template?: JudgeTemplate }): Scorer {
  return verdictScorer(opts.judge, {
    name: 'correctness',
    template: opts.template ?? correctnessTemplate,
    passThreshold: 1,
    inputs(r) {
      const expected = r.expectations?.expectedAnswer;
      if (!expected) return { missing: 'an expected answer (expectations.expectedAnswer)' };
      if (!r.answer) return { missing: 'an answer' };
      return { vars: { question: r.question ?? '', expected_answer: expected, answer: r.answer } };
    },
  });
}
