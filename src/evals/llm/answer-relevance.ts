import type { Judge } from '../judge/judge.js';
import { answerRelevanceTemplate } from '../templates/answer-relevance.js';
import type { JudgeTemplate } from '../templates/template.js';
import type { Scorer } from '../types.js';
import { missingInput } from './common.js';
import { askVerdict } from './verdict-judge.js';

/**
 * Answer relevance: does the answer address the question? `yes` = 1, `partial` = 0.5, `no` = 0;
 * factual correctness is deliberately ignored (that is `correctness`).
 *
 * @example
 * const ar = createAnswerRelevanceJudge({ judge });
 * const r = await ar.evaluate({ id: '1', question: 'When does the store open?', answer: 'At 9am.' }); // r.label === 'yes'
 */
export function createAnswerRelevanceJudge(opts: { judge: Judge; template?: JudgeTemplate }): Scorer {
  const template = opts.template ?? answerRelevanceTemplate;
  return {
    name: 'answer_relevance',
    version: template.version,
    kind: 'LLM_JUDGE',
    passThreshold: 1,
    async evaluate(record) {
      if (!record.question) return missingInput('answer_relevance', 'a question');
      if (!record.answer) return missingInput('answer_relevance', 'an answer');
      return askVerdict(opts.judge, template, { question: record.question, answer: record.answer });
    },
  };
}
