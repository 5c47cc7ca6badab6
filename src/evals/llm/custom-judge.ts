import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { formatContext } from '../templates/template.js';
import type { EvalRecord, Scorer } from '../types.js';
import { judgeScorer } from './judge-scorer.js';

/** What the custom judge answers: a boolean, one of a list of categories, or a number in a range. */
export type CustomOutput =
  | { type: 'boolean' }
  | { type: 'categories'; categories: string[]; scores?: Record<string, number> }
  | { type: 'numeric'; min: number; max: number };

export interface CustomJudgeOptions {
  judge: Judge;
  name: string;
  /** Instructions with any of {{inputs}}, {{outputs}}, {{context}}, {{expectations}}. */
  template: string;
  output: CustomOutput;
  version?: string;
  passThreshold?: number;
}

// Like MLflow's make_judge, only these names may appear: arbitrary record fields in a prompt are
// an injection risk and a typo in a name would otherwise silently render as literal text.
const VARIABLES = ['inputs', 'outputs', 'context', 'expectations'] as const;

function replySchema(output: CustomOutput) {
  if (output.type === 'boolean') return z.object({ value: z.boolean(), rationale: z.string().default('') });
  if (output.type === 'categories') return z.object({ value: z.enum(output.categories as [string, ...string[]]), rationale: z.string().default('') });
  return z.object({ value: z.number().min(output.min).max(output.max), rationale: z.string().default('') });
}

function describe(output: CustomOutput): string {
  if (output.type === 'boolean') return '"value" is true or false';
  if (output.type === 'categories') return `"value" is one of ${output.categories.map((c) => JSON.stringify(c)).join(', ')}`;
  return `"value" is a number from ${output.min} to ${output.max}`;
}

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function variables(record: EvalRecord): Record<string, string> {
  return {
    inputs: show(record.inputs ?? record.question),
    outputs: show(record.outputs ?? record.answer),
    context: formatContext(record.context ?? []),
    expectations: show(record.expectations ?? {}),
  };
}

/**
 * A user-defined judge from an instruction template and an output type. Scores: boolean → 1/0;
 * categories → `scores[category]` when given (else no score, only the label); numeric → the value
 * rescaled to 0–1 over [min, max], with the raw value as the label.
 *
 * @example
 * const tone = createCustomJudge({ judge, name: 'polite', output: { type: 'boolean' },
 *   template: 'Is this reply to {{inputs}} polite? Reply: {{outputs}}' });
 */
export function createCustomJudge(opts: CustomJudgeOptions): Scorer {
  const used = [...opts.template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
  const unknown = used.filter((v) => !(VARIABLES as readonly string[]).includes(v));
  if (unknown.length) throw new Error(`Custom judge '${opts.name}': unknown template variable(s) ${unknown.join(', ')}; allowed: ${VARIABLES.join(', ')}`);
  if (!used.length) throw new Error(`Custom judge '${opts.name}': the template uses none of ${VARIABLES.map((v) => `{{${v}}}`).join(', ')}`);
  const system = `Task: custom judge "${opts.name}". Follow the user's instructions. Reply with only a JSON object {"value":…,"rationale":string} where ${describe(opts.output)}.`;
  const output = opts.output;
  return judgeScorer(opts.judge, {
    name: opts.name,
    template: {
      name: opts.name,
      version: opts.version ?? '1',
      description: `custom judge ${opts.name}`,
      direction: 'maximize',
      messages: [{ role: 'system', content: system }, { role: 'user', content: opts.template }],
    },
    passThreshold: opts.passThreshold ?? (output.type === 'boolean' ? 1 : undefined),
    reply: replySchema(output) as z.ZodType<{ value: unknown; rationale: string }>,
    inputs: (record) => ({ vars: variables(record) }),
    result({ value, rationale }) {
      let score: number | undefined;
      if (output.type === 'boolean') score = value ? 1 : 0;
      else if (output.type === 'categories') score = output.scores?.[value as string];
      else score = output.max === output.min ? 1 : ((value as number) - output.min) / (output.max - output.min);
      const label = output.type === 'numeric' ? String(value) : (value as string | boolean);
      return { score, label, explanation: rationale };
    },
  });
}
