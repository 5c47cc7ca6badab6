import type { JudgeTemplate } from './template.js';

export const correctnessTemplate: JudgeTemplate = {
  name: 'correctness',
  version: '1',
  description: 'Whether the answer states the facts of the expected answer without contradicting it.',
  labels: { correct: 1, incorrect: 0 },
  direction: 'maximize',
  messages: [
    {
      role: 'system',
      content:
        'Task: correctness. You compare an answer with an expected answer. ' +
        'It is "correct" when it contains every fact of the expected answer and contradicts none; wording may differ and extra detail is allowed. ' +
        'Reply with only a JSON object: {"verdict":"correct"|"incorrect","rationale":string}.',
    },
    { role: 'user', content: '<question>\n{{question}}\n</question>\n<expected_answer>\n{{expected_answer}}\n</expected_answer>\n<answer>\n{{answer}}\n</answer>' },
  ],
};
