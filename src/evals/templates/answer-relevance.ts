import type { JudgeTemplate } from './template.js';

/** MLflow RelevanceToQuery-style: relevance only, correctness is a separate judge. */
export const answerRelevanceTemplate: JudgeTemplate = {
  name: 'answer_relevance',
  version: '1',
  description: 'Whether the answer addresses the question, regardless of factual correctness.',
  labels: { yes: 1, partial: 0.5, no: 0 },
  direction: 'maximize',
  messages: [
    {
      role: 'system',
      content:
        'Task: answer_relevance. You judge whether an answer addresses the question that was asked. ' +
        'Ignore whether it is factually correct. "yes": it addresses the question; "partial": it addresses only part of it or mostly talks about something else; ' +
        '"no": it does not address it (including refusals and off-topic replies). ' +
        'Reply with only a JSON object: {"verdict":"yes"|"partial"|"no","rationale":string}.',
    },
    { role: 'user', content: '<question>\n{{question}}\n</question>\n<answer>\n{{answer}}\n</answer>' },
  ],
};
