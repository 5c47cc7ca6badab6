/**
 * Ranking metrics over retrieved document ids against the set of relevant ids. Binary relevance;
 * duplicates in the ranking count once (at their first rank). All return 0–1.
 */

function firstOccurrences(retrieved: string[]): string[] {
  return retrieved.map((id, i) => (retrieved.indexOf(id) === i ? id : '\u0000dup'));
}

/**
 * Share of the top k slots holding a relevant document. Divides by k even when fewer than k
 * documents were retrieved: an empty slot is a miss.
 *
 * @example
 * precisionAtK(['a', 'x', 'b'], ['a', 'b'], 2); // 0.5
 */
export function precisionAtK(retrieved: string[], relevant: string[], k: number): number {
  if (k <= 0) return 0;
  const rel = new Set(relevant);
  return firstOccurrences(retrieved).slice(0, k).filter((id) => rel.has(id)).length / k;
}

/**
 * Share of the relevant documents found in the top k (0 when nothing is relevant).
 *
 * @example
 * recallAtK(['a', 'x', 'b'], ['a', 'b'], 2); // 0.5
 */
export function recallAtK(retrieved: string[], relevant: string[], k: number): number {
  const rel = new Set(relevant);
  if (rel.size === 0) return 0;
  return firstOccurrences(retrieved).slice(0, k).filter((id) => rel.has(id)).length / rel.size;
}

/**
 * Reciprocal rank of the first relevant document (0 when none is retrieved); averaged over records
 * it is MRR.
 *
 * @example
 * reciprocalRank(['x', 'y', 'a'], ['a']); // 1/3
 */
export function reciprocalRank(retrieved: string[], relevant: string[]): number {
  const rel = new Set(relevant);
  const i = retrieved.findIndex((id) => rel.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

/**
 * nDCG@k with binary gains: Σ relᵢ / log₂(i + 1) over ranks i = 1…k, divided by the same sum for an
 * ideal ranking of min(k, |relevant|) relevant documents.
 *
 * @example
 * ndcgAtK(['x', 'a'], ['a'], 2); // (1/log2(3)) / 1 ≈ 0.6309
 */
export function ndcgAtK(retrieved: string[], relevant: string[], k: number): number {
  const rel = new Set(relevant);
  if (rel.size === 0 || k <= 0) return 0;
  const dcg = firstOccurrences(retrieved)
    .slice(0, k)
    .reduce((sum, id, i) => sum + (rel.has(id) ? 1 / Math.log2(i + 2) : 0), 0);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, rel.size); i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

/**
 * RAGAS context precision over per-chunk verdicts v₁…v_K in rank order:
 * Σₖ (precision@k · vₖ) / (number of relevant chunks); 0 when none is relevant.
 *
 * @example
 * contextPrecision([0, 0, 1, 1, 0]); // (1/3 + 2/4) / 2 ≈ 0.4167
 */
export function contextPrecision(verdicts: number[]): number {
  let hits = 0;
  let sum = 0;
  verdicts.forEach((v, i) => {
    if (v) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return hits === 0 ? 0 : sum / hits;
}
