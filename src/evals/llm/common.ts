import type { JudgeOutcome } from '../judge/judge.js';
import type { EvaluationResult } from '../types.js';

/**
 * A record the scorer cannot judge (no answer, no context…) becomes an error result, not a zero.
 *
 * @example
 * if (!record.answer) return missingInput('groundedness', 'an answer');
 */
export function missingInput(scorer: string, field: string): EvaluationResult {
  return { error: { code: 'MISSING_INPUT', message: `${scorer} needs ${field}, and the record has none` } };
}

/**
 * Turns a failed judge outcome into an error result that keeps the usage it cost.
 *
 * @example
 * const out = await judge.ask(messages, Reply);
 * if (!out.ok) return judgeFailure(out);
 */
export function judgeFailure(outcome: Extract<JudgeOutcome<unknown>, { ok: false }>): EvaluationResult {
  return { error: { code: outcome.error.code, message: outcome.error.message }, usage: outcome.usage };
}
