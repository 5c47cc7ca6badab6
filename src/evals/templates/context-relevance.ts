import type { JudgeTemplate } from './template.js';

/** Per-chunk relevance, in one call per record: the chunks are numbered in retrieval rank order. */
export const contextRelevanceTemplate: JudgeTemplate = {
  name: 'context_relevance',
  version: '1',
  description: 'Whether each retrieved chunk holds information that helps answer the question.',
  direction: 'maximize',
  messages: [
    {
      role: 'system',
      content:
        'Task: context_relevance. You judge retrieved chunks against a question. ' +
        'For each numbered chunk decide whether it contains information that helps answer the question. ' +
        'Reply with only a JSON object: {"chunks":[{"index":number,"relevant":boolean,"reason":string}],"rationale":string}, ' +
        'with exactly one entry per chunk, "index" being the chunk number.',
    },
    { role: 'user', content: '<question>\n{{question}}\n</question>\n<context>\n{{context}}\n</context>' },
  ],
};
