import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { contextPrecision } from '../rag/retrieval.js';
import { contextRelevanceTemplate } from '../templates/context-relevance.js';
import { formatContext, type JudgeTemplate } from '../templates/template.js';
import type { Scorer } from '../types.js';
import { judgeScorer } from './judge-scorer.js';

export const ContextRelevanceReply = z.object({
  chunks: z.array(z.object({ index: z.number().int(), relevant: z.boolean(), reason: z.string().default('') })),
  rationale: z.string().default(''),
});
export type ContextRelevanceReply = z.infer<typeof ContextRelevanceReply>;

/**
 * Context relevance: the judge marks each retrieved chunk relevant (1) or not (0) to the question.
 * The score is the mean over chunks; `details.rank_aware_precision` is RAGAS context precision,
 * Σₖ (precision@k · vₖ) / (relevant chunks), which rewards relevant chunks ranked first. A judge
 * reply that skips a chunk counts that chunk as not relevant.
 *
 * @example
 * const cr = createContextRelevanceJudge({ judge });
 * const r = await cr.evaluate({ id: '1', question: 'Capital of France?', context: [{ content: 'Paris…' }, { content: 'Bananas…' }] });
 * // r.score === 0.5, r.details.rank_aware_precision === 1
 */
export function createContextRelevanceJudge(opts: { judge: Judge; template?: JudgeTemplate; passThreshold?: number }): Scorer {
  return judgeScorer(opts.judge, {
    name: 'context_relevance',
    template: opts.template ?? contextRelevanceTemplate,
    passThreshold: opts.passThreshold ?? 0.5,
    reply: ContextRelevanceReply,
    inputs(r) {
      if (!r.question) return { missing: 'a question' };
      if (!r.context?.length) return { missing: 'retrieved context' };
      return { vars: { question: r.question, context: formatContext(r.context) } };
    },
    result(reply, record) {
      const chunks = record.context!;
      const byIndex = new Map(reply.chunks.map((c) => [c.index, c]));
      const verdicts = chunks.map((_, i) => (byIndex.get(i + 1)?.relevant ? 1 : 0));
      const relevant = verdicts.reduce<number>((a, b) => a + b, 0);
      const precision = contextPrecision(verdicts);
      return {
        score: relevant / verdicts.length,
        explanation: `${relevant}/${verdicts.length} chunks relevant (rank-aware precision ${precision.toFixed(3)}). ${reply.rationale}`.trim(),
        details: {
          chunk_relevance: verdicts,
          chunk_reasons: chunks.map((_, i) => byIndex.get(i + 1)?.reason ?? 'not judged'),
          rank_aware_precision: precision,
        },
      };
    },
  });
}
