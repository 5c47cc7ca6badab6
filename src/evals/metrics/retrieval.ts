import { missingInput } from '../llm/common.js';
import { ndcgAtK, precisionAtK, recallAtK, reciprocalRank } from '../rag/retrieval.js';
import type { EvalRecord, Scorer } from '../types.js';

type RankFn = (retrieved: string[], relevant: string[], k: number) => number;

function retrievalScorer(name: string, fn: RankFn, k: number): Scorer {
  return {
    name,
    version: '1',
    kind: 'CODE',
    passThreshold: 0.5,
    async evaluate(r: EvalRecord) {
      const relevant = r.expectations?.relevantDocIds;
      if (!relevant?.length) return missingInput(name, 'expectations.relevantDocIds');
      const retrieved = (r.context ?? []).map((c) => c.id ?? '');
      if (!retrieved.some(Boolean)) return missingInput(name, 'retrieved documents with ids');
      const score = fn(retrieved, relevant, k);
      return { score, explanation: `${name} = ${score.toFixed(3)} over ${retrieved.length} retrieved, ${relevant.length} relevant` };
    },
  };
}

/** @example precisionAtKScorer(5) // name "precision_at_5" */
export const precisionAtKScorer = (k = 5) => retrievalScorer(`precision_at_${k}`, precisionAtK, k);
/** @example recallAtKScorer(5) // name "recall_at_5" */
export const recallAtKScorer = (k = 5) => retrievalScorer(`recall_at_${k}`, recallAtK, k);
/** Reciprocal rank per record; its mean over records is MRR. @example mrrScorer() */
export const mrrScorer = () => retrievalScorer('mrr', (ret, rel) => reciprocalRank(ret, rel), Infinity);
/** @example ndcgAtKScorer(10) // name "ndcg_at_10" */
export const ndcgAtKScorer = (k = 10) => retrievalScorer(`ndcg_at_${k}`, ndcgAtK, k);
