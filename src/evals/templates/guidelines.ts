import type { JudgeTemplate } from './template.js';

export const guidelinesTemplate: JudgeTemplate = {
  name: 'guidelines',
  version: '1',
  description: 'Whether the answer follows each natural-language guideline.',
  direction: 'maximize',
  messages: [
    {
      role: 'system',
      content:
        'Task: guidelines. You check an answer against numbered guidelines. For each guideline decide whether the answer follows it. ' +
        'Reply with only a JSON object: {"results":[{"index":number,"pass":boolean,"reason":string}],"rationale":string}, one entry per guideline.',
    },
    { role: 'user', content: '<guidelines>\n{{guidelines}}\n</guidelines>\n<question>\n{{question}}\n</question>\n<answer>\n{{answer}}\n</answer>' },
  ],
};
