import type { Judge } from '../judge/judge.js';
import { answerRelevanceTemplate } from '../templates/answer-relevance.js';
import type { JudgeTemplate } from '../templates/template.js';
import type { Scorer } from '../types.js';
import { verdictScorer } from './judge-scorer.js';

/**
 * Answer relevance: does the answer address the question? `yes` = 1, `partial` = 0.5, `no` = 0;
 * factual correctness is deliberately ignored (that is `correctness`).
 *
 * @example
 * const ar = createAnswerRelevanceJudge({ judge });
 * const r = await ar.evaluate({ id: '1', question: 'When does the store open?', answer: 'At 9am.' }); // r.label === 'yes'
 */
export function createAnswerRelevanceJudge(opts: { judge: Judge; template?: JudgeTemplate }): Scorer {
  return verdictScorer(opts.judge, {
    name: 'answer_relevance',
    template: opts.template ?? answerRelevanceTemplate,
    passThreshold: 1,
    inputs: (r) => (!r.question ? { missing: 'a question' } : !r.answer ? { missing: 'an answer' } : { vars: { question: r.question, answer: r.answer } }),
  });
}
