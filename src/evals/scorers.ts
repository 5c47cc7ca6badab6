import type { Judge } from './judge/judge.js';
import { createAnswerRelevanceJudge } from './llm/answer-relevance.js';
import { createContextRelevanceJudge } from './llm/context-relevance.js';
import { createCorrectnessJudge } from './llm/correctness.js';
import { createCustomJudge } from './llm/custom-judge.js';
import { createGroundednessJudge } from './llm/groundedness.js';
import { createGuidelinesJudge } from './llm/guidelines.js';
import { containsScorer, regexScorer } from './metrics/contains.js';
import { exactMatchScorer } from './metrics/exact-match.js';
import { jsonSchemaScorer, jsonValidityScorer } from './metrics/json.js';
import { costScorer, latencyScorer, tokenCountScorer } from './metrics/operational.js';
import { piiScorer } from './metrics/pii.js';
import { mrrScorer, ndcgAtKScorer, precisionAtKScorer, recallAtKScorer } from './metrics/retrieval.js';
import { rougeLScorer } from './metrics/rouge-l.js';
import { tokenF1Scorer } from './metrics/token-f1.js';
import type { Scorer } from './types.js';

/**
 * Every built-in scorer factory, for code: `scorers.groundedness({ judge })`, `scorers.tokenF1()`.
 *
 * @example
 * import { scorers } from 'glassbox/evals';
 * const list = [scorers.groundedness({ judge }), scorers.exactMatch(), scorers.precisionAtK(5)];
 */
export const scorers = {
  groundedness: createGroundednessJudge,
  contextRelevance: createContextRelevanceJudge,
  answerRelevance: createAnswerRelevanceJudge,
  correctness: createCorrectnessJudge,
  guidelines: createGuidelinesJudge,
  custom: createCustomJudge,
  exactMatch: exactMatchScorer,
  contains: containsScorer,
  regex: regexScorer,
  tokenF1: tokenF1Scorer,
  rougeL: rougeLScorer,
  jsonValid: jsonValidityScorer,
  jsonSchema: jsonSchemaScorer,
  latency: latencyScorer,
  tokenCount: tokenCountScorer,
  cost: costScorer,
  pii: piiScorer,
  precisionAtK: precisionAtKScorer,
  recallAtK: recallAtKScorer,
  mrr: mrrScorer,
  ndcgAtK: ndcgAtKScorer,
};

/** Scorer names accepted by `--scorers` and the REST API (those needing no extra configuration). */
export const SCORER_NAMES = [
  'groundedness',
  'context_relevance',
  'answer_relevance',
  'correctness',
  'guidelines',
  'exact_match',
  'token_f1',
  'rouge_l',
  'json_valid',
  'latency',
  'token_count',
  'cost',
  'pii',
  'precision_at_k',
  'recall_at_k',
  'mrr',
  'ndcg_at_k',
] as const;

const LLM = new Set(['groundedness', 'context_relevance', 'answer_relevance', 'correctness', 'guidelines']);

/**
 * True when any of the names needs an LLM judge (so the CLI knows whether to configure one).
 *
 * @example
 * needsJudge(['latency', 'groundedness']); // true
 */
export const needsJudge = (names: string[]) => names.some((n) => LLM.has(n));

/**
 * Builds scorers from names (`groundedness`, `precision_at_k`…), naming the unknown one.
 *
 * @example
 * scorersByName(['groundedness', 'latency'], { judge });
 */
export function scorersByName(names: string[], opts: { judge?: Judge; k?: number; guidelines?: string[] }): Scorer[] {
  const k = opts.k ?? 5;
  return names.map((name) => {
    if (LLM.has(name) && !opts.judge) throw new Error(`Scorer '${name}' needs an LLM judge, and none is configured`);
    const judge = opts.judge!;
    switch (name) {
      case 'groundedness': return createGroundednessJudge({ judge });
      case 'context_relevance': return createContextRelevanceJudge({ judge });
      case 'answer_relevance': return createAnswerRelevanceJudge({ judge });
      case 'correctness': return createCorrectnessJudge({ judge });
      case 'guidelines': return createGuidelinesJudge({ judge, guidelines: opts.guidelines });
      case 'exact_match': return exactMatchScorer();
      case 'token_f1': return tokenF1Scorer();
      case 'rouge_l': return rougeLScorer();
      case 'json_valid': return jsonValidityScorer();
      case 'latency': return latencyScorer();
      case 'token_count': return tokenCountScorer();
      case 'cost': return costScorer();
      case 'pii': return piiScorer();
      case 'precision_at_k': return precisionAtKScorer(k);
      case 'recall_at_k': return recallAtKScorer(k);
      case 'mrr': return mrrScorer();
      case 'ndcg_at_k': return ndcgAtKScorer(k);
      default: throw new Error(`Unknown scorer '${name}'; known scorers: ${SCORER_NAMES.join(', ')}`);
    }
  });
}
