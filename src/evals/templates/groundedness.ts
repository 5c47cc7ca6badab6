import type { JudgeTemplate } from './template.js';

/** RAGAS-style faithfulness: claims must be inferable from the context, not merely uncontradicted. */
export const groundednessTemplate: JudgeTemplate = {
  name: 'groundedness',
  version: '1',
  description: 'Share of the claims in the answer that the retrieved context supports.',
  direction: 'maximize',
  messages: [
    {
      role: 'system',
      content:
        'Task: groundedness. You check whether an answer is supported by retrieved context. ' +
        'Split the answer into atomic factual claims (one fact each). For every claim decide whether it can be inferred from the context alone; ' +
        'general knowledge that is not in the context does NOT count as support. ' +
        'Reply with only a JSON object: {"claims":[{"claim":string,"supported":boolean,"reason":string}],"rationale":string}. ' +
        'Use an empty "claims" list when the answer makes no factual claim.',
    },
    { role: 'user', content: '<question>\n{{question}}\n</question>\n<context>\n{{context}}\n</context>\n<answer>\n{{answer}}\n</answer>' },
  ],
};
