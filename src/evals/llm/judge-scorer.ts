import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { renderTemplate, type JudgeTemplate } from '../templates/template.js';
import type { EvalRecord, EvaluationResult, Scorer } from '../types.js';
import { judgeFailure, missingInput } from './common.js';

/** The template variables for a record, or what it lacks ("an answer") to be judged at all. */
export type JudgeInputs = { vars: Record<string, string> } | { missing: string };

export interface JudgeScorerSpec<R> {
  name: string;
  template: JudgeTemplate;
  passThreshold?: number;
  /** The reply the judge must give (the judge retries a reply off the schema, then reports an error). */
  reply: z.ZodType<R>;
  inputs(record: EvalRecord): JudgeInputs;
  /** Score, label, explanation and details from a valid reply; the judge's usage is added. */
  result(reply: R, record: EvalRecord): EvaluationResult;
}

/**
 * The body every LLM-as-judge scorer shares: a record that lacks an input is a MISSING_INPUT error
 * (no judge call), a failed judge call an error that keeps its usage; otherwise the template is
 * rendered, asked, and the reply turned into a result.
 *
 * @example
 * const polite = judgeScorer(judge, { name: 'polite', template, reply: z.object({ ok: z.boolean() }),
 *   inputs: (r) => (r.answer ? { vars: { answer: r.answer } } : { missing: 'an answer' }),
 *   result: (reply) => ({ score: reply.ok ? 1 : 0 }) });
 */
export function judgeScorer<R>(judge: Judge, spec: JudgeScorerSpec<R>): Scorer {
  return {
    name: spec.name,
    version: spec.template.version,
    kind: 'LLM_JUDGE',
    passThreshold: spec.passThreshold,
    async evaluate(record) {
      const inputs = spec.inputs(record);
      if ('missing' in inputs) return missingInput(spec.name, inputs.missing);
      const out = await judge.ask(renderTemplate(spec.template.messages, inputs.vars), spec.reply);
      if (!out.ok) return judgeFailure(out);
      return { ...spec.result(out.value, record), usage: out.usage };
    },
  };
}

/**
 * A single-verdict judge (answer relevance, correctness): the reply's verdict must be one of the
 * template's labels, and the score is that label's value.
 *
 * @example
 * verdictScorer(judge, { name: 'correctness', template: correctnessTemplate, passThreshold: 1, inputs });
 */
export function verdictScorer(judge: Judge, spec: Omit<JudgeScorerSpec<unknown>, 'reply' | 'result'>): Scorer {
  const labels = spec.template.labels ?? {};
  const reply = z.object({ verdict: z.enum(Object.keys(labels) as [string, ...string[]]), rationale: z.string().default('') });
  return judgeScorer(judge, { ...spec, reply, result: (r) => ({ score: labels[r.verdict], label: r.verdict, explanation: r.rationale }) });
}
