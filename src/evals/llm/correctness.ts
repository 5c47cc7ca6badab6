import type { Judge } from '../judge/judge.js';
import { correctnessTemplate } from '../templates/correctness.js';
import type { JudgeTemplate } from '../templates/template.js';
import type { Scorer } from '../types.js';
import { missingInput } from './common.js';
import { askVerdict } from './verdict-judge.js';

/**
 * Correctness against `expectations.expectedAnswer`: `correct` (1) when every expected fact is
 * present and none is contradicted, else `incorrect` (0).
 *
 * @example
 * const c = createCorrectnessJudge({ judge });
 * await c.evaluate({ id: '1', question: 'Capital of France?', answer: 'Paris', expectations: { expectedAnswer: 'Paris' } });
 */
export function createCorrectnessJudge(opts: { judge: Judge; template?: JudgeTemplate }): Scorer {
  const template = opts.template ?? correctnessTemplate;
  return {
    name: 'correctness',
    version: template.version,
    kind: 'LLM_JUDGE',
    passThreshold: 1,
    async evaluate(record) {
      const expected = record.expectations?.expectedAnswer;
      if (!expected) return missingInput('correctness', 'an expected answer (expectations.expectedAnswer)');
      if (!record.answer) return missingInput('correctness', 'an answer');
      return askVerdict(opts.judge, template, { question: record.question ?? '', expected_answer: expected, answer: record.answer });
    },
  };
}
