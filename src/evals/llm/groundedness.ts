import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { formatContext, type JudgeTemplate } from '../templates/template.js';
import { groundednessTemplate } from '../templates/groundedness.js';
import type { Scorer } from '../types.js';
import { judgeScorer } from './judge-scorer.js';

export const GroundednessReply = z.object({
  claims: z.array(z.object({ claim: z.string(), supported: z.boolean(), reason: z.string().default('') })),
  rationale: z.string().default(''),
});
export type GroundednessReply = z.infer<typeof GroundednessReply>;

/**
 * Groundedness = supported claims / total claims, where the judge splits the answer into atomic
 * claims and marks each as inferable from the retrieved context or not. The unsupported claims are
 * listed in the rationale and in `details.unsupported_claims`. An answer with no factual claim
 * (a refusal, "I don't know") scores 1: it asserts nothing the context fails to support.
 *
 * @example
 * const groundedness = createGroundednessJudge({ judge });
 * const r = await groundedness.evaluate({ id: '1', answer: 'Paris is in France.', context: [{ content: 'Paris is the capital of France.' }] });
 * // r.score === 1
 */
export function createGroundednessJudge(opts: { judge: Judge; template?: JudgeTemplate; passThreshold?: number }): Scorer {
  return judgeScorer(opts.judge, {
    name: 'groundedness',
    template: opts.template ?? groundednessTemplate,
    passThreshold: opts.passThreshold ?? 1,
    reply: GroundednessReply,
    inputs(r) {
      if (!r.answer) return { missing: 'an answer' };
      if (!r.context?.length) return { missing: 'retrieved context' };
      return { vars: { question: r.question ?? '', context: formatContext(r.context), answer: r.answer } };
    },
    result({ claims, rationale }) {
      const supported = claims.filter((c) => c.supported).length;
      const unsupported = claims.filter((c) => !c.supported);
      const listing = unsupported.length ? ` Unsupported: ${unsupported.map((c) => `"${c.claim}" (${c.reason})`).join('; ')}.` : '';
      return {
        score: claims.length === 0 ? 1 : supported / claims.length,
        explanation: `${supported}/${claims.length} claims supported by the context.${listing} ${rationale}`.trim(),
        details: { claims, supported_claims: supported, total_claims: claims.length, unsupported_claims: unsupported.map((c) => c.claim) },
      };
    },
  });
}
