import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { guidelinesTemplate } from '../templates/guidelines.js';
import type { JudgeTemplate } from '../templates/template.js';
import type { EvalRecord, Scorer } from '../types.js';
import { judgeScorer } from './judge-scorer.js';

export const GuidelinesReply = z.object({
  results: z.array(z.object({ index: z.number().int(), pass: z.boolean(), reason: z.string().default('') })),
  rationale: z.string().default(''),
});

// The options' guidelines, else the record's `expectations.guidelines` (one string or a list).
function rulesFor(record: EvalRecord, fromOptions: string[] | undefined): string[] {
  const fromRecord = record.expectations?.guidelines;
  return fromOptions ?? (Array.isArray(fromRecord) ? fromRecord.map(String) : typeof fromRecord === 'string' ? [fromRecord] : []);
}

/**
 * Guidelines: natural-language rules the answer must follow (from the options, or per record from
 * `expectations.guidelines`). Score = followed / total; the label is `pass` only when all are
 * followed, and the broken rules are listed. A rule the judge skipped counts as broken.
 *
 * @example
 * const g = createGuidelinesJudge({ judge, guidelines: ['Answer in English', 'Do not mention competitors'] });
 * const r = await g.evaluate({ id: '1', question: 'Hi', answer: 'Hello!' }); // r.label === 'pass'
 */
export function createGuidelinesJudge(opts: { judge: Judge; guidelines?: string[]; template?: JudgeTemplate; name?: string }): Scorer {
  return judgeScorer(opts.judge, {
    name: opts.name ?? 'guidelines',
    template: opts.template ?? guidelinesTemplate,
    passThreshold: 1,
    reply: GuidelinesReply,
    inputs(r) {
      const rules = rulesFor(r, opts.guidelines);
      if (!rules.length) return { missing: 'guidelines (options or expectations.guidelines)' };
      if (!r.answer) return { missing: 'an answer' };
      return { vars: { guidelines: rules.map((g, i) => `${i + 1}. ${g}`).join('\n'), question: r.question ?? '', answer: r.answer } };
    },
    result(reply, record) {
      const rules = rulesFor(record, opts.guidelines);
      const byIndex = new Map(reply.results.map((r) => [r.index, r]));
      const broken = rules.filter((_, i) => !byIndex.get(i + 1)?.pass);
      const followed = rules.length - broken.length;
      return {
        score: followed / rules.length,
        label: broken.length === 0 ? 'pass' : 'fail',
        explanation: `${followed}/${rules.length} guidelines followed.${broken.length ? ` Broken: ${broken.map((b) => `"${b}"`).join('; ')}.` : ''} ${reply.rationale}`.trim(),
        details: { broken_guidelines: broken },
      };
    },
  });
}
