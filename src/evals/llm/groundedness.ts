import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { formatContext, renderTemplate, type JudgeTemplate } from '../templates/template.js';
import { groundednessTemplate } from '../templates/groundedness.js';
import type { Scorer } from '../types.js';
import { judgeFailure, missingInput } from './common.js';

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
  const template = opts.template ?? groundednessTemplate;
  return {
    name: 'groundedness',
    version: template.version,
    kind: 'LLM_JUDGE',
    passThreshold: opts.passThreshold ?? 1,
    async evaluate(record) {
      if (!record.answer) return missingInput('groundedness', 'an answer');
      if (!record.context?.length) return missingInput('groundedness', 'retrieved context');
      const messages = renderTemplate(template.messages, {
        question: record.question ?? '',
        context: formatContext(record.context),
        answer: record.answer,
      });
      const out = await opts.judge.ask(messages, GroundednessReply);
      if (!out.ok) return judgeFailure(out);
      const { claims, rationale } = out.value;
      const supported = claims.filter((c) => c.supported).length;
      const unsupported = claims.filter((c) => !c.supported);
      const score = claims.length === 0 ? 1 : supported / claims.length;
      const listing = unsupported.length ? ` Unsupported: ${unsupported.map((c) => `"${c.claim}" (${c.reason})`).join('; ')}.` : '';
      return {
        score,
        explanation: `${supported}/${claims.length} claims supported by the context.${listing} ${rationale}`.trim(),
        details: { claims, supported_claims: supported, total_claims: claims.length, unsupported_claims: unsupported.map((c) => c.claim) },
        usage: out.usage,
      };
    },
  };
}
