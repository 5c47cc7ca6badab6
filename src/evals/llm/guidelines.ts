import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { guidelinesTemplate } from '../templates/guidelines.js';
import { renderTemplate, type JudgeTemplate } from '../templates/template.js';
import type { Scorer } from '../types.js';
import { judgeFailure, missingInput } from './common.js';

export const GuidelinesReply = z.object({
  results: z.array(z.object({ index: z.number().int(), pass: z.boolean(), reason: z.string().default('') })),
  rationale: z.string().default(''),
});

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
  const template = opts.template ?? guidelinesTemplate;
  const name = opts.name ?? 'guidelines';
  return {
    name,
    version: template.version,
    kind: 'LLM_JUDGE',
    passThreshold: 1,
    async evaluate(record) {
      const fromRecord = record.expectations?.guidelines;
      const rules = opts.guidelines ?? (Array.isArray(fromRecord) ? fromRecord.map(String) : typeof fromRecord === 'string' ? [fromRecord] : []);
      if (!rules.length) return missingInput(name, 'guidelines (options or expectations.guidelines)');
      if (!record.answer) return missingInput(name, 'an answer');
      const messages = renderTemplate(template.messages, {
        guidelines: rules.map((g, i) => `${i + 1}. ${g}`).join('\n'),
        question: record.question ?? '',
        answer: record.answer,
      });
      const out = await opts.judge.ask(messages, GuidelinesReply);
      if (!out.ok) return judgeFailure(out);
      const byIndex = new Map(out.value.results.map((r) => [r.index, r]));
      const broken = rules.filter((_, i) => !byIndex.get(i + 1)?.pass);
      const followed = rules.length - broken.length;
      return {
        score: followed / rules.length,
        label: broken.length === 0 ? 'pass' : 'fail',
        explanation: `${followed}/${rules.length} guidelines followed.${broken.length ? ` Broken: ${broken.map((b) => `"${b}"`).join('; ')}.` : ''} ${out.value.rationale}`.trim(),
        details: { broken_guidelines: broken },
        usage: out.usage,
      };
    },
  };
}
