import type { EvalRecord, Scorer } from '../types.js';
import { missingInput } from '../llm/common.js';

/**
 * Operational figures read from the trace (no judging): latency in ms, total tokens and cost in
 * USD. Lower is better, so a record passes when the value is at most the optional budget.
 */
function operational(name: string, version: string, pick: (r: EvalRecord) => number | undefined, unit: string, budget?: number): Scorer {
  return {
    name,
    version,
    kind: 'CODE',
    direction: 'minimize',
    passThreshold: budget,
    async evaluate(r) {
      const v = pick(r);
      if (v === undefined) return missingInput(name, `a ${unit} figure`);
      return { score: v, explanation: `${v} ${unit}${budget === undefined ? '' : v <= budget ? ` (within ${budget})` : ` (over ${budget})`}` };
    },
  };
}

/** @example latencyScorer({ maxMs: 2000 }) */
export function latencyScorer(opts: { maxMs?: number } = {}): Scorer {
  return operational('latency', '1', (r) => r.latencyMs, 'ms', opts.maxMs);
}

/** Input + output tokens of the traced LLM calls. @example tokenCountScorer({ maxTokens: 4000 }) */
export function tokenCountScorer(opts: { maxTokens?: number } = {}): Scorer {
  return operational(
    'token_count',
    '1',
    (r) => (r.inputTokens === undefined && r.outputTokens === undefined ? undefined : (r.inputTokens ?? 0) + (r.outputTokens ?? 0)),
    'tokens',
    opts.maxTokens,
  );
}

/** @example costScorer({ maxUsd: 0.01 }) */
export function costScorer(opts: { maxUsd?: number } = {}): Scorer {
  return operational('cost', '1', (r) => r.cost, 'USD', opts.maxUsd);
}
