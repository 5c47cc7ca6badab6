import { z } from 'zod';
import type { Judge } from '../judge/judge.js';
import { renderTemplate, type JudgeTemplate } from '../templates/template.js';
import type { EvaluationResult } from '../types.js';
import { judgeFailure } from './common.js';

/**
 * Shared body of single-verdict judges (answer relevance, correctness): the reply's verdict must be
 * one of the template's labels, and the score is that label's value.
 *
 * @example
 * await askVerdict(judge, correctnessTemplate, { question, expected_answer, answer }); // { label: 'correct', score: 1, … }
 */
export async function askVerdict(judge: Judge, template: JudgeTemplate, vars: Record<string, string>): Promise<EvaluationResult> {
  const labels = Object.keys(template.labels ?? {}) as [string, ...string[]];
  const Reply = z.object({ verdict: z.enum(labels), rationale: z.string().default('') });
  const out = await judge.ask(renderTemplate(template.messages, vars), Reply);
  if (!out.ok) return judgeFailure(out);
  return { score: template.labels![out.value.verdict], label: out.value.verdict, explanation: out.value.rationale, usage: out.usage };
}
